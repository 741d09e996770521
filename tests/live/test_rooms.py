"""Ingest → Redis → Socket.IO over the network, with real server processes and real Socket.IO clients."""

from __future__ import annotations

import queue
import time

import pytest
import requests
import socketio

from tests.conftest import ServerProcess, login, make_user
from tests.helpers import auth, ev

CAM, ZONE = "cam-smart-kitchen-1", "smart-kitchen"


def kiosk_client(url: str, zone: str, events: queue.Queue, cookie: str | None = None) -> socketio.Client:
    sio = socketio.Client(reconnection=False)
    sio.on("zone", lambda p: events.put(("zone", time.monotonic(), p)))
    sio.on("crowd", lambda p: events.put(("crowd", time.monotonic(), p)))
    sio.on("zones", lambda p: events.put(("zones", time.monotonic(), p)))
    headers = {"Cookie": cookie} if cookie else {}
    sio.connect(url, transports=["websocket"], headers=headers, wait_timeout=10)
    return sio


def wait_for(events: queue.Queue, name: str, pred, timeout: float = 3.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"no {name} event matching within {timeout}s")
        try:
            kind, t, p = events.get(timeout=left)
        except queue.Empty:
            continue
        if kind == name and pred(p):
            return t, p


def test_ingest_reaches_the_zone_room_within_250ms(live: ServerProcess, tokens) -> None:  # type: ignore[no-untyped-def]
    tok = tokens.issue(CAM)
    events: queue.Queue = queue.Queue()
    sio = kiosk_client(live.url, ZONE, events)
    try:
        assert sio.call("subscribe", {"zone": ZONE}, timeout=5) == {"ok": True}
        wait_for(events, "zone", lambda p: p["zone"] == ZONE)  # the snapshot on subscribe
        latencies = []
        for seq in range(1, 6):
            t0 = time.monotonic()
            res = requests.post(f"{live.url}/api/v1/cameras/{CAM}/events", json={"events": [ev(seq, 2, 0)]}, headers=auth(tok), timeout=5)
            assert res.status_code == 200
            t1, p = wait_for(events, "zone", lambda p, n=seq: p["zone"] == ZONE and p["occupancy"] == 2 * n)
            latencies.append(t1 - t0)
            assert p["capacity"] > 0 and p["level"] in ("quiet", "moderate", "busy", "full")
            assert "in_15m" not in p  # kiosks get only the public part
        assert max(latencies) < 0.25, latencies
    finally:
        sio.disconnect()


def test_unknown_zone_subscription_is_refused(live: ServerProcess) -> None:
    events: queue.Queue = queue.Queue()
    sio = kiosk_client(live.url, ZONE, events)
    try:
        assert sio.call("subscribe", {"zone": "no-such-zone"}, timeout=5)["ok"] is False
    finally:
        sio.disconnect()


def test_manager_room_needs_login(live: ServerProcess, tokens, r) -> None:  # type: ignore[no-untyped-def]
    events: queue.Queue = queue.Queue()
    anon = kiosk_client(live.url, ZONE, events)
    try:
        assert anon.call("subscribe_managers", {}, timeout=5) == {"ok": False, "error": "login_required"}
        tok = tokens.issue(CAM)
        requests.post(f"{live.url}/api/v1/cameras/{CAM}/events", json={"events": [ev(1, 1, 0)]}, headers=auth(tok), timeout=5)
        with pytest.raises(AssertionError):
            wait_for(events, "zones", lambda p: True, timeout=0.6)
    finally:
        anon.disconnect()
    user, pw = make_user(r)
    session = login(live.url, user, pw)
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    mq: queue.Queue = queue.Queue()
    mgr = kiosk_client(live.url, ZONE, mq, cookie=cookie)
    try:
        assert mgr.call("subscribe_managers", {}, timeout=5)["ok"] is True
        _, snap = wait_for(mq, "zones", lambda p: len(p["zones"]) > 50)
        assert any(z["zone"] == "mall" for z in snap["zones"])
        requests.post(f"{live.url}/api/v1/cameras/{CAM}/events", json={"events": [ev(2, 3, 0)]}, headers=auth(tok), timeout=5)
        _, upd = wait_for(mq, "zones", lambda p: any(z["zone"] == ZONE and z["in_15m"] == 4 for z in p["zones"]))
        z = next(z for z in upd["zones"] if z["zone"] == ZONE)
        assert z["occupancy"] == 4 and z["in_today"] == 4
    finally:
        mgr.disconnect()


def test_manager_pages_refuse_anonymous_users(live: ServerProcess) -> None:
    res = requests.get(live.url + "/manager", allow_redirects=False, timeout=5)
    assert res.status_code == 302 and res.headers["Location"].startswith("/login")
    res = requests.get(live.url + "/api/v1/manager/zones", timeout=5)
    assert res.status_code == 401 and res.json()["error"] == "login_required"


def test_login_sets_httponly_samesite_cookie_and_opens_manager_page(live: ServerProcess, r) -> None:  # type: ignore[no-untyped-def]
    user, pw = make_user(r, "floorlead", "manager")
    bad = requests.post(live.url + "/login", data={"username": user, "password": "wrong-password"}, allow_redirects=False, timeout=5)
    assert "error=1" in bad.headers["Location"]
    res = requests.post(live.url + "/login", data={"username": user, "password": pw}, allow_redirects=False, timeout=5)
    cookie = res.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    s = login(live.url, user, pw)
    assert s.get(live.url + "/manager", timeout=5).status_code == 200
    assert s.get(live.url + "/api/v1/manager/zones", timeout=5).status_code == 200
    staff_user, staff_pw = make_user(r, "helper", "staff")
    st = login(live.url, staff_user, staff_pw)
    assert st.get(live.url + "/api/v1/manager/zones", timeout=5).status_code == 403


def test_two_server_processes_share_updates_through_redis(redis_url: str, r, tokens) -> None:  # type: ignore[no-untyped-def]
    a = ServerProcess(redis_url).start()
    b = ServerProcess(redis_url).start()
    try:
        tok = tokens.issue(CAM)
        events: queue.Queue = queue.Queue()
        sio = kiosk_client(b.url, ZONE, events)
        try:
            sio.call("subscribe", {"zone": ZONE}, timeout=5)
            wait_for(events, "zone", lambda p: p["zone"] == ZONE)
            t0 = time.monotonic()
            res = requests.post(f"{a.url}/api/v1/cameras/{CAM}/events", json={"events": [ev(1, 5, 0)]}, headers=auth(tok), timeout=5)
            assert res.status_code == 200
            t1, _ = wait_for(events, "zone", lambda p: p["zone"] == ZONE and p["occupancy"] == 5)
            assert t1 - t0 < 0.25
        finally:
            sio.disconnect()
    finally:
        a.kill()
        b.kill()


def test_login_backs_off_after_repeated_failures(live: ServerProcess, r) -> None:  # type: ignore[no-untyped-def]
    user, pw = make_user(r, "target", "manager")
    for _ in range(5):
        res = requests.post(live.url + "/login", data={"username": user, "password": "guess"}, allow_redirects=False, timeout=5)
        assert res.status_code == 302 and "error=1" in res.headers["Location"]
    res = requests.post(live.url + "/login", data={"username": user, "password": pw}, allow_redirects=False, timeout=5)
    assert res.status_code == 429 and int(res.headers["Retry-After"]) > 0 and res.json()["field"] == "username"
    r.delete(*[k for k in r.keys("t:login:fail:*")])  # lock served its purpose; the right password works again
    assert requests.post(live.url + "/login", data={"username": user, "password": pw}, allow_redirects=False, timeout=5).status_code == 302
