"""At most 20 console events per second and connection, in a sliding window."""

from __future__ import annotations

from contact_centre.console.rate import EventRate


def test_the_21st_event_within_a_second_is_refused_then_allowed_again():
    now = [100.0]
    rate = EventRate(limit=20, per=1.0, clock=lambda: now[0])
    assert all(rate.allow("a") for _ in range(20))
    assert not rate.allow("a")
    assert rate.allow("b")  # another connection has its own window
    now[0] += 0.5
    assert not rate.allow("a")
    now[0] += 0.5
    assert rate.allow("a")
    rate.forget("a")
    assert all(rate.allow("a") for _ in range(19))
