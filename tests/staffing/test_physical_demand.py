"""Demand stays physical: spikes clipped, bounded by entries, finite, with a stated confidence and visible fallback."""

from __future__ import annotations

import math

import numpy as np
import pytest

from server.staffing.advisor import AdvisorConfig, advise
from server.staffing.forecast import CONVERSION_RANGE, Calibration, calibrate, clip_spikes, demand_bound_per_hour, forecast


def _steady(n: int = 240, level: float = 10.0, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).poisson(level, n).astype(float)


def test_a_single_spiky_minute_is_shrugged_off() -> None:
    e = _steady()
    clean = forecast(e, None, 0.3, 25, fit=False)
    e[-40] = 3848.0  # a warm-up or a stale spool landing in one minute
    spiky = forecast(e, None, 0.3, 25, fit=False)
    assert spiky.spikes_clipped >= 1
    for h in (0, 15, 30):
        assert spiky.lam_per_hour[h] == pytest.approx(clean.lam_per_hour[h], rel=0.1)


def test_a_lasting_rise_is_not_a_spike() -> None:
    e = np.concatenate([_steady(200, 10.0), _steady(40, 40.0, seed=1)])
    out, clipped = clip_spikes(e)
    assert clipped <= 8  # only the first minutes of the step, before the median follows
    assert out[-20:].mean() == pytest.approx(e[-20:].mean(), rel=0.02)


def test_never_beyond_what_the_mall_can_send() -> None:
    e = _steady()
    absurd = Calibration(conversion=0.95, lag_minutes=25.0, shape=2.0, rmse_per_minute=1.0, relative_error=0.2,
                         samples=100, fitted=True)
    fc = forecast(e, None, 0.3, 25, calibration=absurd)
    bound = demand_bound_per_hour(e)
    assert fc.bounded and fc.bound_per_hour == pytest.approx(bound, abs=0.1)
    assert bound <= CONVERSION_RANGE[1] * 60.0 * e[-60:].max()
    assert all(0.0 <= v <= bound + 1e-6 for v in fc.lam_per_hour.values())
    assert any("cut" in n for n in fc.notes)
    assert fc.confidence["level"] == "low"


@pytest.mark.parametrize("bad", [math.nan, math.inf, -50.0])
def test_never_negative_or_infinite(bad: float) -> None:
    e = _steady()
    e[-5] = bad
    fc = forecast(e, e * 0.3, 0.3, 25)
    assert all(math.isfinite(v) and v >= 0 for v in fc.lam_per_hour.values())


def test_says_how_sure_it_is() -> None:
    e = _steady(400)
    fc = forecast(e, None, 0.3, 25, fit=False)
    conf = fc.confidence
    assert conf["level"] in ("medium", "low") and "configured defaults" in " ".join(conf["reasons"])  # type: ignore[arg-type]
    for h, (lo, hi) in conf["interval_per_hour"].items():  # type: ignore[union-attr]
        assert lo <= fc.lam_per_hour[int(h)] <= hi


def _rejectable() -> tuple[np.ndarray, np.ndarray]:
    e = _steady(500, 12.0, seed=4)
    y = np.zeros_like(e)
    y[25:] = np.round(e[:-25] * 0.9)  # 90 % of shoppers buying: outside the plausible range
    return e, y


def test_rejected_fit_falls_back_to_defaults_visibly() -> None:
    e, y = _rejectable()
    cal = calibrate(e, y, 0.3, 25.0)
    assert not cal.fitted and cal.source == "configured defaults"
    assert (cal.conversion, cal.lag_minutes) == (0.3, 25.0)
    assert "rejected" in cal.note and "conversion" in cal.note


def test_rejected_fit_falls_back_to_last_good() -> None:
    e, y = _rejectable()
    good = Calibration(0.27, 22.0, 2.0, 0.8, 0.3, 300, True, fitted_at=1.0)
    cal = calibrate(e, y, 0.3, 25.0, last_good=good)
    assert cal.fitted and cal.source == "last good fit"
    assert (cal.conversion, cal.lag_minutes) == (0.27, 22.0)
    assert "rejected" in cal.note


def test_shortfall_reports_a_finite_wait_with_all_counters() -> None:
    from datetime import UTC, datetime

    e = _steady(300, 60.0)  # far more than 16 counters at 150 s can serve
    fc = forecast(e, None, 0.3, 25, queue_length=80, fit=False)
    cfg = AdvisorConfig(min_open=2, max_open=16)
    s, _ = advise(fc, 4, datetime(2025, 6, 18, 15, 0, tzinfo=UTC), cfg)
    assert s["capacity_shortfall"]
    sf = s["shortfall"]
    assert sf["counters"] == 16 and math.isfinite(sf["wait_minutes_now"]) and sf["wait_minutes_in_15"] > sf["wait_minutes_now"]  # type: ignore[index]
    for opt in s["explanation"]["options"]:  # type: ignore[index]
        assert opt["mean_wait_seconds"] is not None and math.isfinite(opt["mean_wait_seconds"])
