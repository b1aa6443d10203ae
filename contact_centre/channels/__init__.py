"""Channel adapters. Each translates what arrives (a Twilio form post, a MIME message, a scan, a
counter ticket) into an InboundContact and calls domain.intake.record_inbound_contact — nothing else.
Adapters never reach into another channel."""
