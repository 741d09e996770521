"""The footfall model: deterministic, never negative, scenario effects, cheap steps."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from core.footfall_model import APPLIANCE_CATEGORIES, FootfallModel, simulate_day


def test_deterministic_and_conserving(mall) -> None:  # type: ignore[no-untyped-def]
    a = simulate_day(mall, "normal", seed=5)
    b = simulate_day(mall, "normal", seed=5)
    c = simulate_day(mall, "normal", seed=6)
    assert np.array_equal(a.checkout_arrivals, b.checkout_arrivals)
    assert not np.array_equal(a.checkout_arrivals, c.checkout_arrivals)
    ins, outs = a.areas["mall"]
    assert ins.sum() == outs.sum()  # everybody leaves after closing
    assert (a.occupancy >= 0).all() and a.occupancy[-1] == 0
    co_in = a.areas[a.checkout_zone][0]
    assert np.array_equal(co_in, a.checkout_arrivals)
    assert 0.2 < a.conversion < 0.4


def test_subsidy_day_triples_appliance_traffic(mall) -> None:  # type: ignore[no-untyped-def]
    n = simulate_day(mall, "normal", seed=1)
    s = simulate_day(mall, "subsidy-day", seed=1)
    app = [z.id for z in mall.zones if z.category in APPLIANCE_CATEGORIES]
    ratio = sum(s.areas[z][0].sum() for z in app) / sum(n.areas[z][0].sum() for z in app)
    assert 2.5 < ratio < 3.5
    assert s.checkout_arrivals.sum() > 1.5 * n.checkout_arrivals.sum()


def test_step_is_cheap_and_never_negative(mall) -> None:  # type: ignore[no-untyped-def]
    m = FootfallModel(mall, "subsidy-day", seed=2, scale=3.0)
    t0 = datetime(2025, 6, 18, 18, 0, tzinfo=ZoneInfo(mall.mall.timezone))
    occ: dict[str, int] = {}
    start = time.perf_counter()
    for i in range(1800):
        sc = m.step(t0 + timedelta(seconds=i), 1.0)
        for k, (a, b) in sc.areas.items():
            occ[k] = occ.get(k, 0) + a - b
            if k in m.zone_ids:
                assert occ[k] >= 0
    per_step = (time.perf_counter() - start) / 1800
    assert per_step < 0.002
    assert set(sc.areas) == {z.id for z in mall.zones} | {e.id for e in mall.entrances}


def test_bad_scenario_refused(mall) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="scenario"):
        FootfallModel(mall, "black-friday")
