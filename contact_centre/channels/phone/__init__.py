"""Phone: the single number on Twilio Programmable Voice (webhooks under /phone/)."""

from __future__ import annotations

from datetime import timedelta

from contact_centre.domain.channels import Channel, ChannelRules
from contact_centre.web.plugin import ChannelPlugin


def plugin() -> ChannelPlugin:
    from contact_centre.channels.phone import actions, call_log, cli, views
    from contact_centre.channels.phone.config import PhoneSettings
    from contact_centre.channels.phone.console_strings import CONSOLE_STRINGS

    return ChannelPlugin(
        name="phone",
        channels={
            Channel.PHONE: ChannelRules("Téléphone", live_target=timedelta(minutes=3), priority=1),
            Channel.VOICEMAIL: ChannelRules("Messagerie vocale", business_days=1, priority=2),
        },
        pages=(views.bp, call_log.bp),  # Twilio's webhooks; the day's call log
        console_api=(actions.bp,),  # answer, call back, voicemail, browser phone token
        csrf_exempt=(views.bp,),  # Twilio signs its requests
        cli=cli.group,  # simulate
        settings=PhoneSettings,
        console_panels={
            "head": "console/channels/phone/head.html",  # the Twilio SDK, when the browser phone is on
            "bar": "console/channels/phone/bar.html",  # the browser phone
            "item": "console/channels/phone/item.html",  # the item's calls, callbacks, voicemail
        },
        console_scripts=("phone.js", "browser-phone.js"),
        console_config=actions.console_config,
        console_strings=CONSOLE_STRINGS,
    )
