"""Channel adapters. Each translates what arrives (a Twilio form post, a MIME message, a scan, a
counter ticket) into an InboundContact and calls domain.intake.record_inbound_contact — nothing else.
Adapters never reach into another channel.

Each channel is a plug-in: its package's `plugin()` (a `ChannelPlugin`, `web/plugin.py`) declares all
it brings — blueprints, Socket.IO namespaces, its `contact-centre <name>` group, its console panel, its
settings section (`<name>/config.py`), its codes' labels and SLA rules. `contact_centre/plugins.py`
lists the channels this installation runs, a line each; the app factory, the settings loader and the
CLI iterate over that list.
"""
