"""Opening hours of the citizen-relations service, for queues and service-level deadlines.

The service is open on business days from ``opens`` (inclusive) to ``closes`` (exclusive), local
wall-clock time in ``timezone``. A business day is a workday (Monday to Friday by default) that is
neither a French public holiday (library ``holidays``, metropolitan France unless ``subdiv`` says
otherwise, e.g. ``"57"`` for Moselle) nor an extra closure day added by an admin.

Counting rule for due dates (``add_business_days``): the time of day is ignored and counting
starts at the first business day strictly after the local date of the contact. A contact received
on Friday at 10:00, on Friday at 18:00 or on Saturday is therefore due on Monday with one business
day (if Monday is a business day). With ``days=0`` the due date is the contact's own local date when
it is a business day, else the next business day.

Every instant must be timezone-aware: a naive datetime raises ValueError, because guessing whether
it meant UTC or Paris time is exactly the bug this module exists to prevent. DST is handled by
zoneinfo: opening instants are built from local wall-clock times, durations are computed in UTC.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# country_holidays is the typed entry point; `holidays.France` is a lazy attribute mypy cannot see.
from holidays import HolidayBase, country_holidays

_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=128)
def _french_holidays(year: int, subdiv: str | None) -> HolidayBase:
    # expand=False: the object is shared through the cache, so a lookup must never mutate it.
    return country_holidays("FR", years=year, subdiv=subdiv, language="fr", expand=False)


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value!r}")


@dataclass(frozen=True)
class BusinessCalendar:
    timezone: str = "Europe/Paris"
    opens: time = time(9, 0)
    closes: time = time(17, 0)
    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday=0, as date.weekday()
    closures: frozenset[date] = frozenset()  # extra closure days added by an admin
    subdiv: str | None = None

    def __post_init__(self) -> None:
        # Callers may pass plain sets or lists; frozensets keep the calendar hashable and immutable.
        object.__setattr__(self, "workdays", frozenset(self.workdays))
        object.__setattr__(self, "closures", frozenset(self.closures))
        self._validate()

    def _validate(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"Unknown timezone: {self.timezone!r}") from exc
        if self.opens.tzinfo is not None or self.closes.tzinfo is not None:
            raise ValueError("opens and closes are local wall-clock times and must be naive")
        if not self.opens < self.closes:
            raise ValueError("opens must be before closes (overnight opening is not supported)")
        # An empty week would make the search for the next business day loop forever.
        if not self.workdays or not self.workdays <= frozenset(range(7)):
            raise ValueError("workdays must be a non-empty subset of 0 (Monday) .. 6 (Sunday)")
        try:
            country_holidays("FR", subdiv=self.subdiv)
        except NotImplementedError as exc:
            raise ValueError(f"Unknown French subdivision: {self.subdiv!r}") from exc

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)  # zoneinfo caches instances per key: cheap to call

    def with_closures(self, closures: Iterable[date]) -> BusinessCalendar:
        """A copy closed on these days as well as on the days it is already closed."""
        return dataclasses.replace(self, closures=self.closures | frozenset(closures))

    def holiday_name(self, day: date) -> str | None:
        """The French public holiday name ("Fête nationale"...), or None on an ordinary day."""
        name: str | None = _french_holidays(day.year, self.subdiv).get(day)
        return name

    def is_business_day(self, day: date) -> bool:
        return day.weekday() in self.workdays and day not in self.closures and self.holiday_name(day) is None

    def is_open(self, at: datetime) -> bool:
        local = self._local(at, "at")
        return self.is_business_day(local.date()) and self.opens <= local.time() < self.closes

    def next_opening(self, at: datetime) -> datetime:
        """`at` itself (in the calendar's timezone) if open then, else the next opening instant."""
        local = self._local(at, "at")
        if self.is_open(local):
            return local
        day = local.date()
        if not (self.is_business_day(day) and local.time() < self.opens):
            day = self._next_business_day(day)
        return self._instant(day, self.opens)

    def add_business_days(self, start: datetime, days: int) -> date:
        """Due date of a contact received at `start`: see the counting rule in the module docstring."""
        if days < 0:
            raise ValueError(f"days must be >= 0, got {days}")
        day = self._local(start, "start").date()
        if days == 0:
            return day if self.is_business_day(day) else self._next_business_day(day)
        for _ in range(days):
            day = self._next_business_day(day)
        return day

    def business_seconds_between(self, start: datetime, end: datetime) -> float:
        """Seconds during which the service was open between two instants (0 if end <= start)."""
        first = self._local(start, "start").date()
        last = self._local(end, "end").date()
        if end <= start:
            return 0.0
        total = 0.0
        day = first
        while day <= last:
            if self.is_business_day(day):
                total += _overlap_seconds(
                    start, end, self._instant(day, self.opens), self._instant(day, self.closes)
                )
            day += _ONE_DAY
        return total

    def _local(self, at: datetime, name: str) -> datetime:
        _require_aware(at, name)
        return at.astimezone(self.zone)

    def _instant(self, day: date, clock: time) -> datetime:
        wall = datetime.combine(day, clock, tzinfo=self.zone)
        # Round-trip through UTC so a wall-clock time inside a DST gap becomes a real instant.
        return wall.astimezone(UTC).astimezone(self.zone)

    def _next_business_day(self, day: date) -> date:
        day += _ONE_DAY
        while not self.is_business_day(day):
            day += _ONE_DAY
        return day


def _overlap_seconds(start: datetime, end: datetime, window_start: datetime, window_end: datetime) -> float:
    lower = max(start, window_start)
    upper = min(end, window_end)
    if upper <= lower:
        return 0.0
    # Subtract in UTC: aware datetimes sharing a tzinfo subtract as wall clocks, ignoring DST.
    return (upper.astimezone(UTC) - lower.astimezone(UTC)).total_seconds()
