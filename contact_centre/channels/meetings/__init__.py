"""Contacts staff bring back from a neighbourhood council or a GUSP meeting, entered at /console/saisie."""

from __future__ import annotations

from contact_centre.domain.channels import Channel, ChannelRules
from contact_centre.web.plugin import ChannelPlugin


def plugin() -> ChannelPlugin:
    from contact_centre.channels.meetings import views
    from contact_centre.channels.meetings.config import MeetingsSettings

    return ChannelPlugin(
        name="meetings",
        channels={
            Channel.COUNCIL: ChannelRules("Conseil de quartier", business_days=2),
            Channel.GUSP: ChannelRules("GUSP", business_days=2),
        },
        pages=(views.bp,),
        settings=MeetingsSettings,
    )
