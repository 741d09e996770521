"""Suggestions that keep up: dismissals lapse on demand or time, big accepts ask to confirm, all audited;
the transactions feed calibrates conversion and service time and is shown against the forecast."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import redis
from flask import Flask

from server.checkout.models import TransactionRecord
from server.staffing import dismissal
from server.staffing.service import StaffingService
from tests.staffing.test_api import login


class LevelReader:
    """Steady footfall at a level the test can move: mall entries per minute; 30 % of them reach the tills."""

    def __init__(self, per_min: float) -> None:
        self.per_min = per_min

    def __call__(self, area: str, start: int, end: int) -> list[tuple[int, int, int]]:
        n = round(self.per_min if area == "mall" else self.per_min * 0.3)
        return [(t, n, n) for t in range(start, end + 1, 60)]


@pytest.fixture
def reader() -> LevelReader:
    return LevelReader(10.0)


@pytest.fixture
def app(make_app, r: redis.Redis, prefix: str, mall, reader: LevelReader) -> Flask:  # type: ignore[no-untyped-def]
    app = make_app(mall)
    app.config.update(PERMANENT_SESSION_LIFETIME=timedelta(hours=1))
    svc = app.extensions["services"]
    svc.staffing = StaffingService(r, prefix, mall, notify=svc.notify, reader=reader)
    return app


def _post(c, path: str, body: dict):  # type: ignore[no-untyped-def]
    return c.post(path, json=body, headers={"X-CSRF-Token": "tok"})


def test_dismissal_holds_then_lapses_on_a_demand_move(app: Flask, reader: LevelReader) -> None:
    staffing = app.extensions["services"].staffing
    c = app.test_client()
    login(c, "manager")
    s = staffing.compute_once()
    assert s["delta"] != 0
    r = _post(c, "/api/v1/staffing/dismiss", {"reason": "staff on break"})
    assert r.status_code == 200
    rec = r.get_json()["decision"]
    assert rec["lambda_per_hour"] == s["explanation"]["lambda_per_hour"]["0"] and "30%" in rec["text"]
    assert staffing.compute_once()["dismissed"]["reason"] == "staff on break"  # same demand: still dismissed
    reader.per_min = 40.0  # demand jumps fourfold
    again = staffing.compute_once()
    assert again["dismissed"] is None
    last = staffing.decisions(5)["decisions"][0]
    assert last["action"] == "lapse" and last["by"] == "system" and "demand moved" in last["reason"]
    assert staffing.decisions(5)["dismissed"] is None


def test_dismissal_lapses_after_its_time() -> None:
    s = {"suggested_open": 5, "open_now": 2, "explanation": {"lambda_per_hour": {"0": 100.0}}}
    rec = {"ts": 1000.0, "suggested_open": 5, "open_before": 2, **dismissal.terms(s, 1000.0)}
    assert dismissal.lapse_reason(rec, s, 1000.0 + 60) is None
    assert "20 min" in (dismissal.lapse_reason(rec, s, 1000.0 + 20 * 60) or "")
    small = {**s, "explanation": {"lambda_per_hour": {"0": 108.0}}}
    assert dismissal.lapse_reason(rec, small, 1100.0) is None  # 8 % is not a demand change
    assert "changed" in (dismissal.lapse_reason(rec, {**s, "suggested_open": 6}, 1100.0) or "")


def test_accepting_more_than_three_asks_to_confirm(app: Flask, reader: LevelReader) -> None:
    staffing = app.extensions["services"].staffing
    reader.per_min = 30.0
    s = staffing.compute_once()
    assert s["delta"] > 3
    c = app.test_client()
    login(c, "manager")
    r = _post(c, "/api/v1/staffing/accept", {"time": s["time"]})
    assert r.status_code == 409 and r.get_json()["field"] == "confirm"
    assert staffing.open_count() == s["open_now"]  # nothing changed
    r = _post(c, "/api/v1/staffing/accept", {"time": s["time"], "confirm": True})
    assert r.status_code == 200
    dec = r.get_json()["decision"]
    assert dec["confirmed"] is True and len(dec["changed"]) == s["delta"]
    assert staffing.open_count() == s["suggested_open"]
    assert staffing.decisions(5)["decisions"][0]["action"] == "accept"
    reasons = {a["counter"]: a["reason"] for a in staffing.audit(50) if a["by"] == "manager-1"}
    assert set(reasons) == set(dec["changed"]) and all("accepted suggestion" in v for v in reasons.values())


def test_feed_calibrates_conversion_and_service_time(app: Flask, reader: LevelReader) -> None:
    staffing = app.extensions["services"].staffing
    now = time.time()
    end = int(now // 60 * 60) - 60
    # 3 payments a minute for 10 entries a minute (conversion 0.3) at 200 s each: 10 counters busy all the time
    recs = []
    for k in range(400):
        m = end - k * 60
        recs += [TransactionRecord(counter=f"C{i:02d}", minute=m, transactions=1 if i <= 3 else 0, busy_seconds=60.0)
                 for i in range(1, 11)]
    staffing.transactions.apply(recs)
    s = staffing.compute_once(now)
    feed = s["explanation"]["transactions_feed"]
    assert feed["conversion"] == pytest.approx(0.3, rel=0.1)
    assert feed["service_seconds"] == pytest.approx(200.0, rel=0.01)
    assert s["explanation"]["calibration"]["source"].startswith("transactions feed")
    assert s["explanation"]["service_seconds"] == pytest.approx(feed["service_seconds"])
    c = app.test_client()
    login(c, "manager")
    body = c.get("/api/v1/checkout/transactions?minutes=60").get_json()
    assert body["feed"] and len(body["bins"]) == 4
    assert all(b["transactions"] == 45 for b in body["bins"][:-1])
    assert body["bins"][-1]["forecast"] is not None
    assert c.get("/api/v1/checkout/transactions?minutes=5").status_code == 400
