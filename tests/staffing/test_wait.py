"""One checkout wait for kiosk and manager: steady state when it applies, else the live queue; always finite."""

from __future__ import annotations

import pytest

from server.staffing.wait import estimate, live_wait_seconds, queue_after


def test_live_queue_wait_is_people_ahead_over_counters() -> None:
    assert live_wait_seconds(3, 4, 150) == 0.0  # a counter is free
    assert live_wait_seconds(4, 4, 150) == pytest.approx(150 / 4)  # all busy: the next one to finish
    assert live_wait_seconds(31, 16, 150) == pytest.approx(16 * 150 / 16)


def test_unstable_demand_still_gives_minutes_from_the_queue() -> None:
    w = estimate(30, 2, 150.0, lam_per_hour=400.0)  # 2 counters serve 48/h
    assert w.basis == "live queue"
    assert w.minutes == pytest.approx(29 * 150 / 2 / 60, abs=0.1)
    assert w.over_bracket and w.label == "over 15 min"
    later = estimate(30, 2, 150.0, lam_per_hour=400.0, ahead_minutes=15)
    assert later.minutes > w.minutes  # type: ignore[operator]
    assert queue_after(30, 2, 150.0, 400.0, 15) == pytest.approx(30 + (400 / 60 - 0.8) * 15)


def test_stable_demand_uses_the_steady_state() -> None:
    w = estimate(3, 6, 150.0, lam_per_hour=60.0)
    assert w.basis == "steady state" and w.minutes is not None and 0 <= w.minutes < 1
    assert w.label == "no wait"


def test_no_counter_open_and_unknown() -> None:
    assert estimate(5, 0, 150.0).minutes is None
    assert estimate(None, 3, 150.0).basis == "unknown"
    assert estimate(None, 3, 150.0, lam_per_hour=30.0).basis == "steady state"
