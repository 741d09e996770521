"""Advisor: sizing, lead time, hysteresis without flapping, queue guard, clamps, bad config."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import yaml

from core.mall.loader import DEFAULT_MALL_FILE, MallConfigError, load_mall
from server.staffing.advisor import AdvisorConfig, AdvisorState, ConfigError, advise
from server.staffing.forecast import Calibration, Forecast

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2025, 6, 18, 14, 0, tzinfo=TZ)
CAL = Calibration(0.3, 25.0, 2.0, 0.5, 0.2, 200, True)


def fc(now: float, h15: float | None = None, h30: float | None = None, queue: int | None = None) -> Forecast:
    lam = {0: now, 15: now if h15 is None else h15, 30: (now if h15 is None else h15) if h30 is None else h30}
    return Forecast(lam_per_hour=lam, observed_per_hour=None, queue_length=queue, correction=1.0, calibration=CAL,
                    entries_last_15=0)


CFG = AdvisorConfig(service_seconds=150, target_wait_seconds=120, target_share=0.8, max_mean_wait_seconds=60,
                    min_open=2, max_open=16, open_lead_minutes=5, close_after_low_minutes=10, forecast_margin=0.0)


def test_opens_promptly_with_explanation() -> None:
    s, _ = advise(fc(200), 3, T0, CFG)
    need = CFG.need(200)
    assert s["suggested_open"] == need > 3
    assert s["message"] == f"open {need - 3} more now"
    opts = s["explanation"]["options"]
    assert [o["counters"] for o in opts] == [need - 1, need, need + 1]
    assert opts[1]["meets_target"] and not opts[0]["meets_target"]
    for o in opts:
        assert set(o) >= {"p_wait", "service_level", "mean_wait_seconds"}
    assert s["explanation"]["mu_per_hour"] == pytest.approx(24.0)


def test_prepare_for_later_demand() -> None:
    s, _ = advise(fc(100, h15=100, h30=250), CFG.need(100), T0, CFG)
    assert s["action"] == "hold"
    assert s["prepare"] and s["prepare"][-1]["at"] == "14:30"
    assert s["prepare"][-1]["message"].startswith("prepare ")


def test_lead_time_pulls_demand_forward() -> None:
    # demand at +5 min (the lead time) matters now: 0 -> 15 linear ramp
    s, _ = advise(fc(60, h15=300), 3, T0, CFG)
    assert s["suggested_open"] >= CFG.need(60 + (300 - 60) * 5 / 15)


def test_closes_only_after_low_spell_and_no_flapping() -> None:
    rng = np.random.default_rng(0)
    state, open_now, changes = AdvisorState(), 8, 0
    need8 = CFG.need(160)
    assert need8 <= 8
    history = []
    for minute in range(120):
        lam = 160 * (1 + rng.normal(0, 0.12))  # noisy but steady demand
        s, state = advise(fc(lam), open_now, T0 + timedelta(minutes=minute), CFG, state)
        if s["suggested_open"] != open_now:
            changes += 1
            open_now = int(s["suggested_open"])
        history.append(open_now)
    # opens quickly when needed, but never open -> close -> open within the close delay
    flips = sum(1 for a, b, c in zip(history, history[1:], history[2:], strict=False) if (b - a) * (c - b) < 0)
    assert flips == 0
    assert changes <= 6

    state, open_now = AdvisorState(), 10
    closed_at = None
    for minute in range(30):
        s, state = advise(fc(40), open_now, T0 + timedelta(minutes=minute), CFG, state)
        if s["action"] == "close":
            closed_at = minute
            break
    assert closed_at == 10  # exactly close_after_low_minutes
    assert s["suggested_open"] >= CFG.min_open


def test_dip_that_returns_within_15_minutes_keeps_counters() -> None:
    state = AdvisorState()
    for minute in range(30):
        s, state = advise(fc(40, h15=200), 8, T0 + timedelta(minutes=minute), CFG, state)
        assert s["action"] != "close"


def test_queue_guard_overrides_forecast() -> None:
    s, _ = advise(fc(10, queue=13), 4, T0, CFG)  # 13 people for 4 counters > 2 each
    assert s["queue_guard"] is True
    assert s["suggested_open"] == 5
    s, _ = advise(fc(10, queue=8), 4, T0, CFG)  # exactly 2 each: fine
    assert s["queue_guard"] is False


def test_clamped_to_min_and_max() -> None:
    s, _ = advise(fc(0), 0, T0, CFG)
    assert s["suggested_open"] == CFG.min_open
    s, _ = advise(fc(5000), 3, T0, CFG)
    assert s["suggested_open"] == CFG.max_open and s["capacity_shortfall"] is True


def test_state_round_trips_json() -> None:
    _, st = advise(fc(10), 9, T0, CFG)
    assert st.low_since is not None
    assert AdvisorState.from_dict(st.to_dict()) == st


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"service_seconds": -5}, "service_seconds"),
        ({"min_open": 5, "max_open": 3}, "min_open"),
        ({"target_share": 1.2}, "target_share"),
        ({"open_lead_minutes": -1}, "open_lead_minutes"),
    ],
)
def test_bad_advisor_config_refused(kwargs: dict, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        AdvisorConfig(**kwargs)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"service_seconds": -150}, "checkout.service_seconds"),
        ({"min_open": 10, "max_open": 4}, "min_open"),
        ({"max_open": 99}, "max_open"),
        ({"conversion": 0}, "checkout.conversion"),
    ],
)
def test_bad_mall_checkout_config_refused(tmp_path: Path, change: dict, match: str) -> None:
    data = yaml.safe_load(DEFAULT_MALL_FILE.read_text(encoding="utf-8"))
    data["checkout"].update(change)
    p = tmp_path / "mall.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(MallConfigError, match=match):
        load_mall(p)
