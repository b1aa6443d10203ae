"""Email: the city's mailbox over IMAP in, SMTP out."""

from __future__ import annotations

from contact_centre.domain.channels import Channel, ChannelRules
from contact_centre.web.plugin import ChannelPlugin


def plugin() -> ChannelPlugin:
    from contact_centre.channels.email import actions, cli
    from contact_centre.channels.email.config import EmailSettings
    from contact_centre.channels.email.console_strings import CONSOLE_STRINGS
    from contact_centre.channels.email.notify import acknowledge_request
    from contact_centre.services.service_requests import on_request_created

    return ChannelPlugin(
        name="email",
        channels={Channel.EMAIL: ChannelRules("Courriel", business_days=1)},
        console_api=(actions.bp,),  # an item's thread, replies, resend
        cli=cli.group,  # watch, fetch
        serve=cli.watch_beside_serve,  # without Redis, `serve` watches the mailbox itself
        settings=EmailSettings,
        # A request opened from an e-mail sends its reference to the citizen.
        setup=lambda _app: on_request_created(acknowledge_request),
        console_panels={"item": "console/channels/email/item.html"},  # the thread and the reply form
        console_scripts=("email.js",),
        console_strings=CONSOLE_STRINGS,
    )
