"""The shopper-level checkout simulation agrees with queueing theory and honours the staff lead time."""

from __future__ import annotations

import numpy as np
import pytest

from server.staffing.des import shoppers, simulate, summarise
from server.staffing.erlang import metrics


def test_steady_counters_match_erlang_c() -> None:
    rng = np.random.default_rng(11)
    n_min, lam_h, svc, c = 6000, 100.0, 150.0, 5
    arr = rng.poisson(lam_h / 60.0, n_min)
    t, s = shoppers(arr, svc, seed=3)
    res = simulate(t, s, n_min, lambda m, q, o: c, c, c, 0.0)
    m = metrics(c, lam_h / 3600.0, 1.0 / svc, 120.0)
    w = res.waits[np.isfinite(res.waits)]
    assert len(w) == len(t)
    assert w.mean() == pytest.approx(m.mean_wait, rel=0.15)
    assert (w <= 120).mean() == pytest.approx(m.service_level, abs=0.03)


def test_fewer_counters_longer_waits_and_the_queue_carries_over() -> None:
    arr = np.full(120, 2)  # 120 per hour
    t, s = shoppers(arr, 150.0, seed=1)
    few = simulate(t, s, 120, lambda m, q, o: 4, 8, 4, 0.0)  # 4 counters serve 96/h: the queue grows
    many = simulate(t, s, 120, lambda m, q, o: 8, 8, 8, 0.0)
    assert summarise(few.waits, 120)["mean_wait_seconds"] > 5 * summarise(many.waits, 120)["mean_wait_seconds"]
    assert few.queue[-1] > few.queue[30] > few.queue[5]


def test_openings_serve_after_the_lead_time() -> None:
    arr = np.full(40, 3)
    t, s = shoppers(arr, 150.0, seed=2)
    res = simulate(t, s, 40, lambda m, q, o: 2 if m < 10 else 6, 8, 2, 5.0)
    assert list(res.serving[:15]) == [2] * 15
    assert res.serving[15] == 6
