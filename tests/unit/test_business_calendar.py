from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from contact_centre.domain.business_calendar import BusinessCalendar

PARIS = ZoneInfo("Europe/Paris")
CALENDAR = BusinessCalendar()


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=PARIS)


# --- is_open -----------------------------------------------------------------------------------


def test_open_on_a_tuesday_morning() -> None:
    assert CALENDAR.is_open(paris(2026, 7, 7, 10))


def test_closed_on_a_tuesday_evening() -> None:
    assert not CALENDAR.is_open(paris(2026, 7, 7, 17, 30))


def test_closing_time_is_exclusive() -> None:
    assert CALENDAR.is_open(paris(2026, 7, 3, 16, 59, 59))
    assert not CALENDAR.is_open(paris(2026, 7, 3, 17))


def test_opening_time_is_inclusive() -> None:
    assert not CALENDAR.is_open(paris(2026, 7, 7, 8, 59, 59))
    assert CALENDAR.is_open(paris(2026, 7, 7, 9))


def test_utc_instants_are_read_in_paris_time() -> None:
    # 15:30 UTC is 17:30 in Paris in July (UTC+2): already closed.
    assert not CALENDAR.is_open(datetime(2026, 7, 7, 15, 30, tzinfo=UTC))
    assert CALENDAR.is_open(datetime(2026, 7, 7, 7, 0, tzinfo=UTC))


def test_closed_on_bastille_day() -> None:
    assert not CALENDAR.is_open(paris(2026, 7, 14, 10))
    assert CALENDAR.holiday_name(date(2026, 7, 14)) == "Fête nationale"


def test_closed_on_whit_monday() -> None:
    assert not CALENDAR.is_business_day(date(2026, 5, 25))
    assert CALENDAR.holiday_name(date(2026, 5, 25)) == "Lundi de Pentecôte"


def test_ordinary_day_has_no_holiday_name() -> None:
    assert CALENDAR.holiday_name(date(2026, 7, 7)) is None


def test_good_friday_is_a_holiday_only_in_alsace_moselle() -> None:
    good_friday = date(2026, 4, 3)
    assert CALENDAR.is_business_day(good_friday)
    assert not BusinessCalendar(subdiv="57").is_business_day(good_friday)


def test_unknown_subdivision_is_refused() -> None:
    with pytest.raises(ValueError, match="subdivision"):
        BusinessCalendar(subdiv="Atlantide")


def test_weekend_is_not_a_business_day() -> None:
    assert not CALENDAR.is_business_day(date(2026, 7, 4))
    assert not CALENDAR.is_business_day(date(2026, 7, 5))


# --- closures ----------------------------------------------------------------------------------


def test_admin_closure_day_is_closed() -> None:
    calendar = CALENDAR.with_closures([date(2026, 12, 24)])
    assert not calendar.is_open(paris(2026, 12, 24, 10))
    assert CALENDAR.is_open(paris(2026, 12, 24, 10)), "the original calendar is unchanged"


def test_with_closures_adds_to_existing_closures() -> None:
    calendar = CALENDAR.with_closures([date(2026, 12, 24)]).with_closures([date(2026, 12, 31)])
    assert calendar.closures == frozenset({date(2026, 12, 24), date(2026, 12, 31)})


def test_closures_given_as_a_set_keep_the_calendar_hashable() -> None:
    calendar = BusinessCalendar(closures={date(2026, 12, 24)})  # type: ignore[arg-type]
    assert hash(calendar) == hash(BusinessCalendar(closures=frozenset({date(2026, 12, 24)})))


# --- next_opening ------------------------------------------------------------------------------


def test_next_opening_when_open_is_now() -> None:
    at = paris(2026, 7, 7, 10, 15)
    assert CALENDAR.next_opening(at) == at


def test_next_opening_after_closing_is_next_morning() -> None:
    assert CALENDAR.next_opening(paris(2026, 7, 7, 17, 30)) == paris(2026, 7, 8, 9)


def test_next_opening_before_opening_is_same_day() -> None:
    assert CALENDAR.next_opening(paris(2026, 7, 7, 8, 59)) == paris(2026, 7, 7, 9)


def test_next_opening_on_saturday_is_monday() -> None:
    opening = CALENDAR.next_opening(paris(2026, 7, 4, 11))
    assert opening == paris(2026, 7, 6, 9)
    assert opening.tzinfo is not None and opening.utcoffset() == timedelta(hours=2)


def test_next_opening_skips_a_holiday() -> None:
    assert CALENDAR.next_opening(paris(2026, 7, 13, 18)) == paris(2026, 7, 15, 9)


def test_next_opening_is_expressed_in_the_calendar_timezone() -> None:
    opening = CALENDAR.next_opening(datetime(2026, 7, 7, 20, 0, tzinfo=UTC))
    assert opening.tzinfo == PARIS
    assert (opening.hour, opening.minute) == (9, 0)


def test_next_opening_across_spring_dst_change() -> None:
    # Clocks go forward on Sunday 2026-03-29: Friday is UTC+1, Monday is UTC+2.
    opening = CALENDAR.next_opening(paris(2026, 3, 27, 18))
    assert opening.astimezone(UTC) == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)


def test_next_opening_across_autumn_dst_change() -> None:
    # Clocks go back on Sunday 2026-10-25: Saturday is UTC+2, Monday is UTC+1.
    opening = CALENDAR.next_opening(paris(2026, 10, 24, 12))
    assert opening.astimezone(UTC) == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)


# --- add_business_days -------------------------------------------------------------------------


def test_one_business_day_from_friday_is_monday() -> None:
    assert CALENDAR.add_business_days(paris(2026, 7, 3, 10), 1) == date(2026, 7, 6)


def test_one_business_day_from_saturday_is_monday() -> None:
    assert CALENDAR.add_business_days(paris(2026, 7, 4, 10), 1) == date(2026, 7, 6)


def test_time_of_day_does_not_change_the_due_date() -> None:
    evening = CALENDAR.add_business_days(paris(2026, 7, 7, 18), 2)
    morning = CALENDAR.add_business_days(paris(2026, 7, 7, 8), 2)
    assert evening == morning == date(2026, 7, 9)


def test_zero_days_is_the_same_business_day() -> None:
    assert CALENDAR.add_business_days(paris(2026, 7, 7, 18), 0) == date(2026, 7, 7)


def test_zero_days_on_a_closed_day_is_the_next_business_day() -> None:
    assert CALENDAR.add_business_days(paris(2026, 7, 4, 10), 0) == date(2026, 7, 6)


def test_counting_uses_the_local_date() -> None:
    # Friday 23:30 UTC is already Saturday 01:30 in Paris.
    assert CALENDAR.add_business_days(datetime(2026, 7, 3, 23, 30, tzinfo=UTC), 0) == date(2026, 7, 6)


def test_business_days_skip_bastille_day() -> None:
    # Thu 9, Fri 10, Mon 13, (Tue 14 is a holiday), Wed 15, Thu 16.
    assert CALENDAR.add_business_days(paris(2026, 7, 8, 10), 5) == date(2026, 7, 16)


def test_business_days_skip_christmas() -> None:
    # Thu 24, (Fri 25 Christmas, weekend), Mon 28, Tue 29.
    assert CALENDAR.add_business_days(paris(2026, 12, 23, 10), 3) == date(2026, 12, 29)


def test_business_days_skip_new_year_across_years() -> None:
    # Thu 31, (Fri 1 January, weekend), Mon 4 January 2027.
    assert CALENDAR.add_business_days(paris(2026, 12, 30, 10), 2) == date(2027, 1, 4)


def test_business_days_skip_admin_closure() -> None:
    calendar = CALENDAR.with_closures([date(2026, 12, 24)])
    assert calendar.add_business_days(paris(2026, 12, 23, 10), 3) == date(2026, 12, 30)


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="days"):
        CALENDAR.add_business_days(paris(2026, 7, 7, 10), -1)


# --- business_seconds_between ------------------------------------------------------------------


def test_business_seconds_across_a_night() -> None:
    assert CALENDAR.business_seconds_between(paris(2026, 7, 7, 16), paris(2026, 7, 8, 10)) == 2 * 3600


def test_business_seconds_across_a_weekend() -> None:
    assert CALENDAR.business_seconds_between(paris(2026, 7, 3, 16), paris(2026, 7, 6, 10)) == 2 * 3600


def test_business_seconds_across_dst_weekend() -> None:
    assert CALENDAR.business_seconds_between(paris(2026, 3, 27, 16), paris(2026, 3, 30, 10)) == 2 * 3600


def test_business_seconds_across_a_holiday() -> None:
    assert CALENDAR.business_seconds_between(paris(2026, 7, 13, 16), paris(2026, 7, 15, 10)) == 2 * 3600


def test_business_seconds_within_one_open_period() -> None:
    seconds = CALENDAR.business_seconds_between(paris(2026, 7, 7, 10), paris(2026, 7, 7, 10, 20, 30))
    assert seconds == 20 * 60 + 30


def test_business_seconds_over_a_full_week() -> None:
    week = CALENDAR.business_seconds_between(paris(2026, 7, 6), paris(2026, 7, 13))
    assert week == 5 * 8 * 3600


def test_business_seconds_with_mixed_timezones() -> None:
    # Tuesday 15:00 UTC = 17:00 Paris: only the 16:00-17:00 Paris hour is open.
    seconds = CALENDAR.business_seconds_between(paris(2026, 7, 7, 16), datetime(2026, 7, 7, 18, tzinfo=UTC))
    assert seconds == 3600


def test_business_seconds_is_zero_when_end_is_not_after_start() -> None:
    assert CALENDAR.business_seconds_between(paris(2026, 7, 7, 12), paris(2026, 7, 7, 11)) == 0
    assert CALENDAR.business_seconds_between(paris(2026, 7, 7, 12), paris(2026, 7, 7, 12)) == 0


# --- validation --------------------------------------------------------------------------------

NAIVE = datetime(2026, 7, 7, 10)


@pytest.mark.parametrize(
    "call",
    [
        lambda: CALENDAR.is_open(NAIVE),
        lambda: CALENDAR.next_opening(NAIVE),
        lambda: CALENDAR.add_business_days(NAIVE, 1),
        lambda: CALENDAR.business_seconds_between(NAIVE, paris(2026, 7, 8)),
        lambda: CALENDAR.business_seconds_between(paris(2026, 7, 6), NAIVE),
    ],
)
def test_naive_datetimes_are_refused(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        call()


def test_empty_workdays_are_refused() -> None:
    with pytest.raises(ValueError, match="workdays"):
        BusinessCalendar(workdays=frozenset())
