"""The patroller's own reports (autosaisine), from a tablet page: category, place, photos."""

from __future__ import annotations

from contact_centre.domain.channels import Channel, ChannelRules
from contact_centre.web.plugin import ChannelPlugin


def plugin() -> ChannelPlugin:
    from contact_centre.channels.patrol import views
    from contact_centre.channels.patrol.config import PatrolSettings

    return ChannelPlugin(
        name="patrol",
        channels={Channel.PATROL: ChannelRules("Patrouilleur", business_days=1, priority=2)},
        pages=(views.bp,),
        settings=PatrolSettings,
    )
