"""The channels this installation runs: one line each. The app factory and the CLI iterate over them.

Adding a channel: its package under `contact_centre/channels/` with a `plugin()` (see
`web/plugin.py`), and its line here.
"""

from __future__ import annotations

from contact_centre.channels import counter, email, mail, meetings, patrol, phone
from contact_centre.web.plugin import ChannelPlugin

CHANNELS = (
    phone.plugin,
    email.plugin,
    mail.plugin,
    counter.plugin,
    meetings.plugin,
    patrol.plugin,
)


def channel_plugins() -> list[ChannelPlugin]:
    return [plugin() for plugin in CHANNELS]
