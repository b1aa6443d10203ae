"""Counter: kiosk tickets, the waiting-room display, visits handled at a desk."""

from __future__ import annotations

from datetime import timedelta

from contact_centre.domain.channels import Channel, ChannelRules
from contact_centre.web.plugin import ChannelPlugin


def plugin() -> ChannelPlugin:
    from contact_centre.channels.counter import actions, pages
    from contact_centre.channels.counter.config import CounterSettings
    from contact_centre.channels.counter.console_strings import CONSOLE_STRINGS
    from contact_centre.channels.counter.display import CounterDisplayNamespace

    return ChannelPlugin(
        name="counter",
        channels={Channel.COUNTER: ChannelRules("Accueil", live_target=timedelta(minutes=15), priority=1)},
        pages=(pages.bp,),  # kiosk and waiting-room display
        console_api=(actions.bp,),  # call next, call, recall, no-show
        namespaces=(CounterDisplayNamespace,),
        settings=CounterSettings,
        console_panels={
            "bar": "console/channels/counter/bar.html",  # my desk, call the next ticket
            "item": "console/channels/counter/item.html",  # the visit's ticket
        },
        console_scripts=("counter.js",),
        console_strings=CONSOLE_STRINGS,
    )
