"""Forecasting: conversion and lag recovered on synthetic series; level forecasts sane."""

from __future__ import annotations

import numpy as np
import pytest

from core.footfall_model import simulate_day
from server.staffing.forecast import calibrate, fit_conversion_lag, forecast


def _entries(n: int, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(n)
    rate = 6 + 4 * np.sin(t / 40.0) + 3 * np.sin(t / 17.0 + 1.0)
    return rng.poisson(np.maximum(rate, 0.5)).astype(float)


@pytest.mark.parametrize(("conv", "lag", "seed"), [(0.3, 25, 1), (0.22, 18, 2), (0.4, 37, 3)])
def test_recovers_conversion_and_point_lag(conv: float, lag: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    e = _entries(400, rng)
    y = np.zeros_like(e)
    y[lag:] = rng.binomial(e[:-lag].astype(int), conv)
    cal = fit_conversion_lag(e, y)
    assert cal.conversion == pytest.approx(conv, rel=0.10)
    assert cal.lag_minutes == pytest.approx(lag, rel=0.10)
    assert cal.rmse_per_minute is not None and cal.rmse_per_minute > 0


def test_recovers_spread_lag() -> None:
    # Exponential browsing time with mean 28 min (a geometric number of exponential dwells).
    rng = np.random.default_rng(7)
    e = _entries(600, rng)
    y = np.zeros_like(e)
    for t, n in enumerate(e.astype(int)):
        buyers = rng.binomial(n, 0.33)
        for d in rng.exponential(28.0, buyers):
            k = t + int(d)
            if k < len(y):
                y[k] += 1
    cal = fit_conversion_lag(e, y, warmup=150)
    assert cal.conversion == pytest.approx(0.33, rel=0.10)
    assert cal.lag_minutes == pytest.approx(28, rel=0.10)
    assert cal.shape is not None and cal.shape <= 2


def test_calibrates_on_the_mall_model(mall) -> None:  # type: ignore[no-untyped-def]
    d = simulate_day(mall, "normal", seed=3)
    n = 480  # 18:00: what the forecaster knows then
    cal = calibrate(d.entries[:n], d.checkout_arrivals[:n], 0.5, 10.0)
    assert cal.fitted
    assert cal.conversion == pytest.approx(d.conversion, rel=0.10)
    # A smooth day with an exponential spread of browsing times pins the lag only loosely.
    assert 0.4 * d.lag_minutes < cal.lag_minutes < 2.0 * d.lag_minutes


def test_defaults_without_history_and_level_forecast() -> None:
    e = np.full(90, 10.0)
    fc = forecast(e, None, 0.3, 25)
    assert not fc.calibration.fitted
    for h in (0, 15, 30):
        assert fc.lam_per_hour[h] == pytest.approx(0.3 * 10 * 60, rel=0.02)
    # after closing nobody comes in: demand fades to zero
    fc = forecast(e, None, 0.3, 25, open_minutes_left=-60)
    assert fc.lam_per_hour[30] < 1.0


def test_bad_series_refused() -> None:
    with pytest.raises(ValueError, match="same"):
        forecast([1, 2, 3], [1, 2], 0.3, 25)
    with pytest.raises(ValueError, match="history"):
        fit_conversion_lag(np.ones(30), np.ones(30))
