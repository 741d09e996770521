"""HTTP API of the staffing engine on the real app, with a staffing service reading synthetic footfall."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from server.staffing.service import StaffingService
from tests.staffing.worker import synthetic_reader


@pytest.fixture
def app(make_app, r: redis.Redis, prefix: str, mall) -> Flask:  # type: ignore[no-untyped-def]
    app = make_app(mall)
    app.config.update(PERMANENT_SESSION_LIFETIME=timedelta(hours=1))
    svc = app.extensions["services"]
    svc.staffing = StaffingService(r, prefix, mall, notify=svc.notify, reader=synthetic_reader)
    return app


def login(client: FlaskClient, role: str) -> None:
    """A logged-in session as the login view makes it: user, CSRF token and a live server-side session id."""
    from server.auth.sessions import Sessions

    svc = client.application.extensions["services"]
    sid = Sessions(svc.redis, svc.keys).start(f"{role}-1", 3600)
    with client.session_transaction() as s:
        s["user"] = {"username": f"{role}-1", "role": role, "name": role}
        s["login_at"] = time.time()
        s["csrf"] = "tok"
        s["sid"] = sid


def test_requires_login_and_role(app: Flask) -> None:
    c = app.test_client()
    r = c.get("/api/v1/staffing")
    assert r.status_code == 401 and r.get_json()["error"] == "login_required"
    login(c, "staff")
    assert c.get("/api/v1/staffing").status_code == 403  # staff see the counters, not the engine's figures
    assert c.get("/api/v1/counters").status_code == 200
    assert c.get("/api/v1/staffing/what-if?arrivals_per_hour=100").status_code == 403


def test_what_if_matches_textbook(app: Flask) -> None:
    c = app.test_client()
    login(c, "manager")
    r = c.get("/api/v1/staffing/what-if?arrivals_per_hour=200&service_seconds=180&target_wait_seconds=20"
              "&target_share=0.8&max_mean_wait_seconds=3600")
    body = r.get_json()
    assert r.status_code == 200
    assert body["counters"] == 14
    assert body["p_wait"] == pytest.approx(0.174, abs=0.001)
    assert body["service_level"] == pytest.approx(0.886, abs=0.003)
    assert body["mean_wait_seconds"] > 0 and len(body["options"]) == 3


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "arrivals_per_hour"),
        ("arrivals_per_hour=abc", "arrivals_per_hour"),
        ("arrivals_per_hour=-3", "arrivals_per_hour"),
        ("arrivals_per_hour=100&service_seconds=0", "service_seconds"),
        ("arrivals_per_hour=100&target_share=1", "target_share"),
        ("arrivals_per_hour=100&target_wait_seconds=nan", "target_wait_seconds"),
    ],
)
def test_what_if_bad_params(app: Flask, query: str, field: str) -> None:
    c = app.test_client()
    login(c, "manager")
    r = c.get("/api/v1/staffing/what-if?" + query)
    assert 400 <= r.status_code < 500
    body = r.get_json()
    assert body["field"] == field and body["error"] and field in body["detail"]


def test_counters_and_suggestion(app: Flask, mall) -> None:  # type: ignore[no-untyped-def]
    c = app.test_client()
    login(c, "manager")
    r = c.get("/api/v1/counters")
    assert r.status_code == 200
    counters = r.get_json()["counters"]
    closed = next(x["id"] for x in counters if x["state"] == "closed")
    r = c.post(f"/api/v1/counters/{closed}", json={"state": "open", "reason": "queue"}, headers={"X-CSRF-Token": "tok"})
    assert r.status_code == 200 and r.get_json()["state"] == "open"
    audit = c.get("/api/v1/counters").get_json()["audit"]
    assert audit[0]["by"] == "manager-1" and audit[0]["to"] == "open"
    r = c.post(f"/api/v1/counters/{closed}", json={"state": "sideways"}, headers={"X-CSRF-Token": "tok"})
    assert r.status_code == 400 and r.get_json()["field"] == "state"
    r = c.post("/api/v1/counters/NOPE", json={"state": "open"}, headers={"X-CSRF-Token": "tok"})
    assert r.status_code == 404
    r = c.post(f"/api/v1/counters/{closed}", json={"state": "closed"})  # no CSRF token
    assert r.status_code == 403
    assert c.get("/api/v1/staffing").get_json()["suggestion"] is None
    app.extensions["services"].staffing.compute_once()
    s = c.get("/api/v1/staffing").get_json()["suggestion"]
    assert s["suggested_open"] >= mall.checkout.min_open and "explanation" in s


def test_counters_change_over_socketio_with_the_same_rules_and_audit(live, r) -> None:  # type: ignore[no-untyped-def]
    """Staff open a counter from the socket: audit written, staff screens and kiosks follow; bad input is named."""
    import queue

    import requests
    import socketio

    from tests.conftest import make_user

    user, pw = make_user(r, "till-lead", "staff")
    s = requests.Session()
    s.post(live.url + "/login", data={"username": user, "password": pw}, allow_redirects=False, timeout=5)
    cookie = "; ".join(f"{c.name}={c.value}" for c in s.cookies)
    got: queue.Queue = queue.Queue()
    staff = socketio.Client(reconnection=False)
    staff.on("counters", lambda p: got.put(("counters", p)))
    staff.connect(live.url, transports=["websocket"], headers={"Cookie": cookie})
    kiosk = socketio.Client(reconnection=False)
    kiosk.on("checkout", lambda p: got.put(("checkout", p)))
    kiosk.connect(live.url, transports=["websocket"])
    try:
        assert staff.call("subscribe_managers", {}, timeout=5)["ok"] is True
        assert kiosk.call("subscribe", {"zone": "fridges"}, timeout=5)["ok"] is True
        ack = staff.call("set_counter", {"counter": "C09", "state": "open", "reason": "queue building"}, timeout=5)
        assert ack["ok"] is True and ack["counter"]["state"] == "open"
        kinds = {}
        while len(kinds) < 2:
            kind, payload = got.get(timeout=5)
            kinds[kind] = payload
        assert kinds["counters"]["audit"][0]["by"] == user and kinds["counters"]["audit"][0]["reason"] == "queue building"
        assert kinds["checkout"]["open_counters"] >= 1
        bad = staff.call("set_counter", {"counter": "C99", "state": "open"}, timeout=5)
        assert bad["ok"] is False and bad["field"] == "id"
        assert staff.call("set_counter", {"counter": "C09", "state": "sideways"}, timeout=5)["field"] == "state"
        assert kiosk.call("set_counter", {"counter": "C09", "state": "closed"}, timeout=5) == {"ok": False, "error": "login_required"}
    finally:
        staff.disconnect()
        kiosk.disconnect()
