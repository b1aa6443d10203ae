"""Phone: the single number on Twilio Programmable Voice (webhooks under /phone/)."""

from __future__ import annotations

from contact_centre.web.plugin import ChannelPlugin


def plugin() -> ChannelPlugin:
    from contact_centre.channels.phone import actions, call_log, views

    return ChannelPlugin(
        name="phone",
        pages=(views.bp, call_log.bp),  # Twilio's webhooks; the day's call log
        console_api=(actions.bp,),  # answer, call back, voicemail, browser phone token
        csrf_exempt=(views.bp,),  # Twilio signs its requests
    )
