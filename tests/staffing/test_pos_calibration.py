"""Calibration from the transactions feed recovers a known conversion and service time on simulated days."""

from __future__ import annotations

import numpy as np
import pytest

from core.footfall_model import simulate_day
from server.staffing.pos_calibration import calibrate_from_transactions, service_time


@pytest.mark.parametrize(("scenario", "seed", "counters"), [("normal", 3, 16), ("subsidy-day", 4, 14), ("normal", 5, 6)])
def test_recovers_conversion_and_service_time(mall, scenario: str, seed: int, counters: int) -> None:  # type: ignore[no-untyped-def]
    d = simulate_day(mall, scenario, seed=seed, open_counters=counters)
    n = 540  # 19:00: what the feed has said by then
    cal = calibrate_from_transactions(d.entries[:n], d.transactions[:n], d.busy_seconds[:n])
    # Ground truth: the share of the day's entrants who buy (the model's own figure).
    assert cal.conversion == pytest.approx(d.conversion, rel=0.10)
    assert cal.service_seconds == pytest.approx(d.service_seconds, rel=0.10)
    assert cal.lag_minutes is not None and 0 < cal.lag_minutes < cal.payment_lag_minutes  # type: ignore[operator]


def test_too_little_feed_says_so() -> None:
    cal = calibrate_from_transactions(np.full(60, 5.0), np.zeros(60), np.zeros(60))
    assert cal.conversion is None and "not enough" in cal.note
    assert service_time([1, 2], [100, 200]) is None  # three payments tell nothing
    assert service_time([50], None) is None


def test_a_different_service_time_is_found(mall) -> None:  # type: ignore[no-untyped-def]
    slow = mall.model_copy(update={"checkout": mall.checkout.model_copy(update={"service_seconds": 240.0})})
    d = simulate_day(slow, "normal", seed=8)
    assert service_time(d.transactions, d.busy_seconds) == pytest.approx(240.0, rel=0.10)
