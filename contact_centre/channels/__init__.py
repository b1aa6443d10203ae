"""Channel adapters. Each translates what arrives (a Twilio form post, a MIME message, a scan, a
counter ticket) into an InboundContact and records it through the intake (`rt.intake.record`,
`services/intake.py`) — nothing else. Adapters never reach into another channel (import-linter).

Each channel is a plug-in: its package's `plugin()` (a `ChannelPlugin`, `web/plugin.py`) declares all
it brings — its codes with their labels and SLA rules, blueprints, Socket.IO namespaces, its
`contact-centre <name>` group, its settings section (`<name>/config.py`), its parts of the console
(templates, ES modules, strings). `contact_centre/plugins.py` lists the channels this installation runs,
a line each; the app factory, the settings loader and the CLI iterate over that list.
"""
