"""Phone: the single number on Twilio Programmable Voice (webhooks under /phone/)."""
