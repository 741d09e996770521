"""Every sentence the staffing engine writes in English has a Chinese twin saying the same figures.

The advisor, the wait estimate and the forecast are driven through each branch that writes a text
(open / close / hold / queue guard / shortfall / dip / low-for / lead time / prepare, every wait label,
every confidence reason and calibration note); the Chinese twin must exist, be Chinese (no English
words beyond units), and carry the same numbers as the English.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from server.staffing.advisor import AdvisorConfig, AdvisorState, advise
from server.staffing.forecast import Calibration, Forecast, calibrate, forecast
from server.staffing.wait import estimate

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2025, 6, 18, 14, 0, tzinfo=TZ)
CAL = Calibration(0.3, 25.0, 2.0, 0.5, 0.2, 200, True)
CFG = AdvisorConfig(service_seconds=150, target_wait_seconds=120, target_share=0.8, max_mean_wait_seconds=60,
                    min_open=2, max_open=16, open_lead_minutes=5, close_after_low_minutes=10, forecast_margin=0.0)
ALLOWED = {"min", "h", "Erlang"}  # units and names a Chinese sentence may keep
CJK = re.compile(r"[\u4e00-\u9fff]")
NUM = re.compile(r"\d+(?:\.\d+)?")


def fc(now: float, h15: float | None = None, h30: float | None = None, queue: int | None = None) -> Forecast:
    lam = {0: now, 15: now if h15 is None else h15, 30: (now if h15 is None else h15) if h30 is None else h30}
    return Forecast(lam_per_hour=lam, observed_per_hour=None, queue_length=queue, correction=1.0, calibration=CAL,
                    entries_last_15=0)


def assert_twin(en: str, zh: str) -> None:
    """``zh`` is Chinese, has no English words, and states the same numbers as ``en``."""
    assert en and zh, (en, zh)
    assert CJK.search(zh), f"not Chinese: {zh!r} (for {en!r})"
    words = set(re.findall(r"[A-Za-z]+", zh)) - ALLOWED
    assert not words, f"English words {words} in {zh!r}"
    assert sorted(NUM.findall(zh)) == sorted(NUM.findall(en)), (en, zh)


def assert_suggestion(s: dict[str, object]) -> None:
    assert_twin(s["message"], s["message_zh"])  # type: ignore[arg-type]
    assert len(s["reasons_zh"]) == len(s["reasons"])  # type: ignore[arg-type]
    for en, zh in zip(s["reasons"], s["reasons_zh"], strict=True):  # type: ignore[call-overload]
        assert_twin(en, zh)
    for p in s["prepare"]:  # type: ignore[attr-defined]
        assert_twin(p["message"], p["message_zh"])
    ex = s["explanation"]
    assert len(ex["notes_zh"]) == len(ex["notes"])  # type: ignore[index]
    for en, zh in zip(ex["notes"], ex["notes_zh"], strict=True):  # type: ignore[index]
        assert_twin(en, zh)


def test_open_message_and_lead_time_reason() -> None:
    s, _ = advise(fc(60, h15=300), 3, T0, CFG)
    assert s["action"] == "open" and any("lead time" in r for r in s["reasons"])  # type: ignore[attr-defined]
    assert s["message_zh"] == f"现在加开 {s['delta']} 个收银台"
    assert_suggestion(s)


def test_hold_message_and_prepare() -> None:
    s, _ = advise(fc(100, h15=100, h30=250), CFG.need(100), T0, CFG)
    assert s["action"] == "hold" and s["prepare"]
    assert s["message_zh"] == f"保持 {s['open_now']} 个开放"
    last = s["prepare"][-1]  # type: ignore[index]
    assert last["message_zh"] == f"14:30 前再准备 {last['more']} 个"
    assert_suggestion(s)


def test_queue_guard_reason() -> None:
    s, _ = advise(fc(10, queue=13), 4, T0, CFG)
    assert s["queue_guard"] is True
    assert_suggestion(s)


def test_shortfall_reason_carries_both_wait_labels() -> None:
    s, _ = advise(fc(5000, queue=40), 3, T0, CFG)
    assert s["capacity_shortfall"] is True
    sf = s["shortfall"]
    assert_twin(sf["wait_label_now"], sf["wait_label_now_zh"])  # type: ignore[index]
    assert_twin(sf["wait_label_in_15"], sf["wait_label_in_15_zh"])  # type: ignore[index]
    assert_suggestion(s)


def test_dip_low_for_and_close() -> None:
    s, _ = advise(fc(40, h15=200), 8, T0, CFG)
    assert any("dips" in r for r in s["reasons"])  # type: ignore[attr-defined]
    assert_suggestion(s)
    state, seen = AdvisorState(), set()
    for minute in range(12):
        s, state = advise(fc(40), 10, T0 + timedelta(minutes=minute), CFG, state)
        assert_suggestion(s)
        seen.add(s["action"])
        if s["action"] == "close":
            assert any("stayed low" in r for r in s["reasons"])  # type: ignore[attr-defined]
            assert s["message_zh"] == f"关闭 {-s['delta']} 个收银台"  # type: ignore[operator]
            break
        assert any("before closing" in r for r in s["reasons"])  # type: ignore[attr-defined]
    assert seen == {"hold", "close"}
    s, _ = advise(fc(0), 20, T0, CFG)  # more open than may be: close down to max_open
    assert s["action"] == "close" and s["delta"] == -(20 - CFG.max_open)
    assert_suggestion(s)


@pytest.mark.parametrize(("queue", "counters", "lam", "zh"), [
    (None, 0, None, "没有开放的收银台"),
    (None, 3, None, "未知"),
    (0, 3, 0.0, "无需等待"),
    (10, 2, 0.0, "约 11 分钟"),
    (30, 2, 0.0, "超过 15 分钟"),
    (None, 4, 60.0, None),
])
def test_every_wait_label_has_a_chinese_twin(queue: int | None, counters: int, lam: float | None, zh: str | None) -> None:
    w = estimate(queue, counters, 150.0, lam)
    if zh is not None:
        assert w.label_zh == zh
    assert w.as_dict()["label_zh"] == w.label_zh
    if w.label == "unknown":
        assert w.label_zh == "未知"
    else:
        assert_twin(w.label, w.label_zh)


def _entries(minutes: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).poisson(20, minutes).astype(float)


def _lagged(e: np.ndarray, conv: float, lag: int) -> np.ndarray:
    return np.concatenate([np.zeros(lag), conv * e[:-lag]]).round()


def _calibration_notes() -> list[Calibration]:
    e = _entries(600)
    good = calibrate(e, _lagged(e, 0.3, 25), 0.3, 25.0)
    assert good.fitted and good.source == "fit" and good.note == ""
    cals = [
        calibrate(e, None, 0.3, 25.0),  # no checkout history
        calibrate(e[:60], e[:60] * 0.3, 0.3, 25.0),  # not enough history
        calibrate(e, _lagged(e, 0.3, 2), 0.3, 25.0),  # lag at the edge of the range
        calibrate(e, _lagged(e, 0.9, 25), 0.3, 25.0),  # implausible conversion
        calibrate(e, None, 0.3, 25.0, last_good=good),  # the last good fit stands in
    ]
    return cals


def test_every_calibration_note_has_a_chinese_twin() -> None:
    cals = _calibration_notes()
    notes = [c.note for c in cals]
    assert any(n.startswith("no checkout history") for n in notes)
    assert any(n.startswith("not enough history") for n in notes)
    assert any("lag" in n and "rejected" in n for n in notes)
    assert any("conversion" in n and "rejected" in n for n in notes)
    assert any(n.endswith("using the last good fit") for n in notes)
    for c in cals:
        assert_twin(c.note, c.note_zh)


def test_every_confidence_reason_and_forecast_note_has_a_chinese_twin() -> None:
    e = _entries(60)
    e[30] = 400  # one spiky minute
    absurd = Calibration(0.95, 25.0, 2.0, 1.0, 0.2, 300, True, source="last good fit")
    runs = [
        forecast(e, _lagged(e, 0.3, 25), 0.3, 25.0),  # defaults, short history, spike
        forecast(e, None, 0.3, 25.0, fit=False),  # fit disabled
        forecast(e, None, 0.3, 25.0, calibration=absurd),  # cut to the bound; last good fit in use
    ]
    reasons = [r for f in runs for r in f.confidence["reasons"]]  # type: ignore[attr-defined]
    for needle in ("configured defaults", "last good one", "cut to what the mall", "spiky", "two hours"):
        assert any(needle in r for r in reasons), needle
    assert any(n.startswith("forecast cut to") for f in runs for n in f.notes)
    assert "fit disabled" in runs[1].notes
    for f in runs:
        conf = f.confidence
        assert len(conf["reasons_zh"]) == len(conf["reasons"])  # type: ignore[arg-type]
        for en, zh in zip(conf["reasons"], conf["reasons_zh"], strict=True):  # type: ignore[call-overload]
            assert_twin(en, zh)
        assert len(f.notes_zh) == len(f.notes)
        for en, zh in zip(f.notes, f.notes_zh, strict=True):
            assert_twin(en, zh)
        s, _ = advise(f, 4, T0, CFG)  # the advisor passes the notes on in both languages
        assert_suggestion(s)
