"""How soon each kind of item should be picked up.

Live channels (a caller on the line, a visitor at the desk) count in minutes; written ones
count in business days and fall due at closing time, so a mail received on Friday evening
is not late on Saturday morning.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from contact_centre.domain.business_calendar import BusinessCalendar
from contact_centre.domain.enums import Channel

LIVE_TARGETS: dict[Channel, timedelta] = {
    Channel.PHONE: timedelta(minutes=3),
    Channel.COUNTER: timedelta(minutes=15),
}

BUSINESS_DAY_TARGETS: dict[Channel, int] = {
    Channel.VOICEMAIL: 1,
    Channel.EMAIL: 1,
    Channel.WEB: 1,
    Channel.PATROL: 1,
    Channel.MAIL: 2,
    Channel.COUNCIL: 2,
    Channel.GUSP: 2,
}

DEFAULT_PRIORITY: dict[Channel, int] = {
    Channel.PHONE: 1,
    Channel.COUNTER: 1,
    Channel.PATROL: 2,
    Channel.VOICEMAIL: 2,
}


def default_priority(channel: Channel) -> int:
    return DEFAULT_PRIORITY.get(channel, 3)


def sla_due_at(channel: Channel, received_at: datetime, calendar: BusinessCalendar) -> datetime:
    if channel in LIVE_TARGETS:
        return received_at + LIVE_TARGETS[channel]
    due_day = calendar.add_business_days(received_at, BUSINESS_DAY_TARGETS.get(channel, 2))
    local = datetime.combine(due_day, calendar.closes, tzinfo=ZoneInfo(calendar.timezone))
    return local.astimezone(received_at.tzinfo)
