"""Application services: the use cases entry points call (record a contact, open a request, call a
ticket, queue a mail...) and the query functions pages read through. No Flask: they take a unit of work
or a session, and what the installation wired (storage, calendar) as arguments."""
