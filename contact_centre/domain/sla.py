"""How soon an item should be picked up, from its channel's rules (`domain.channels.ChannelRules`)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from contact_centre.domain.business_calendar import BusinessCalendar
from contact_centre.domain.channels import Channel, rules_of


def default_priority(channel: Channel) -> int:
    return rules_of(channel).priority


def sla_due_at(channel: Channel, received_at: datetime, calendar: BusinessCalendar) -> datetime:
    rules = rules_of(channel)
    if rules.live_target is not None:
        return received_at + rules.live_target
    due_day = calendar.add_business_days(received_at, rules.business_days)
    local = datetime.combine(due_day, calendar.closes, tzinfo=ZoneInfo(calendar.timezone))
    return local.astimezone(received_at.tzinfo)
