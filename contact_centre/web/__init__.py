"""What the web entry points share: access checks, error answers, the console API's parent blueprint
and the JSON shapes of the console."""
