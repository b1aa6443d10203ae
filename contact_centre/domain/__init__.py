"""Models and rules: contacts, requests, citizens and staff, the catalogue, the queue item and its SLA
rules, channels and their rules, the business calendar, the audit trail, the unit of work. No Flask, no
Socket.IO, no Redis (import-linter keeps it so)."""
