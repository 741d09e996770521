"""The staff inbox over the network: a `assist_new` ping to staff screens, escalation to managers when a request
waits unacknowledged longer than ASSIST_ESCALATE_SECONDS, and calling again right after a resolve."""

from __future__ import annotations

import queue
import time

import redis
import requests
import socketio

from server.kiosk.enrol import HEADER
from tests.conftest import ServerProcess
from tests.helpers import enrol_kiosk
from tests.manager.helpers import session, user


def _socket(url: str, s: requests.Session, events: queue.Queue) -> socketio.Client:
    sio = socketio.Client(reconnection=False)
    for name in ("assist", "assist_new", "alert"):
        sio.on(name, lambda p, name=name: events.put((name, time.monotonic(), p)))
    cookie = "; ".join(f"{c.name}={c.value}" for c in s.cookies)
    sio.connect(url, transports=["websocket"], headers={"Cookie": cookie}, wait_timeout=10)
    assert sio.call("subscribe_managers", {}, timeout=5)["ok"] is True
    return sio


def _next(events: queue.Queue, name: str, pred, timeout: float):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            kind, t, p = events.get(timeout=left)
        except queue.Empty:
            break
        if kind == name and pred(p):
            return t, p
    raise AssertionError(f"no {name} event within {timeout} s")


def test_ping_escalation_and_calling_again_after_resolve(redis_url: str, r: redis.Redis) -> None:
    srv = ServerProcess(redis_url, prefix="inbox:", ASSIST_ESCALATE_SECONDS="3", STAFFING_ENGINE="0").start()
    staff_ev: queue.Queue = queue.Queue()
    mgr_ev: queue.Queue = queue.Queue()
    socks: list[socketio.Client] = []
    try:
        staff = session(srv.url, *user(r, "inbox:", "clerk", "staff"))
        boss = session(srv.url, *user(r, "inbox:", "boss", "manager"))
        socks = [_socket(srv.url, staff, staff_ev), _socket(srv.url, boss, mgr_ev)]
        body = {"zone": "fridges", "kiosk": "fridges-k1", "reason": "product_question"}
        kh = {HEADER: enrol_kiosk(r, "inbox:", "fridges-k1", "fridges")}
        res = requests.post(srv.url + "/api/v1/assist", json=body, headers=kh, timeout=5)
        assert res.status_code == 201, res.text
        req = res.json()
        t_sent = time.monotonic()
        _, ping = _next(staff_ev, "assist_new", lambda p: p["id"] == req["id"], 3)
        assert ping["zone"] == "fridges" and ping["state"] == "sent"
        # nobody acknowledges: after 3 s (a tick or two later) managers get an alert for it, staff do not
        t_alert, alert = _next(mgr_ev, "alert", lambda p: p["id"] == f"assist:{req['id']}", 10)
        assert 3.0 <= t_alert - t_sent < 8.0, t_alert - t_sent
        assert alert["kind"] == "assist_waiting" and alert["zone"] == "fridges" and "fridges-k1" in alert["message"]
        assert "冰箱" in alert["message_zh"] and "请求协助" in alert["message_zh"]
        listed = boss.get(srv.url + "/api/v1/manager/alerts", timeout=5).json()
        assert any(a["id"] == f"assist:{req['id']}" for a in listed["active"]) and listed["unacknowledged"] >= 1
        assert all(kind != "alert" for kind, _, _ in list(staff_ev.queue))
        # staff acknowledge: the escalation ends
        assert staff.post(f"{srv.url}/api/v1/assist/{req['id']}/ack", timeout=5).status_code == 200
        _, done = _next(mgr_ev, "alert", lambda p: p["id"] == f"assist:{req['id']}" and p["state"] == "cleared", 6)
        assert done["cleared_value"] is not None
        assert staff.post(f"{srv.url}/api/v1/assist/{req['id']}/resolve", timeout=5).status_code == 200
        # calling again right after the resolve is accepted: nothing is pending
        again = requests.post(srv.url + "/api/v1/assist", json=body, headers=kh, timeout=5)
        assert again.status_code == 201, again.text
        pending = requests.post(srv.url + "/api/v1/assist", json=body, headers=kh, timeout=5)
        assert pending.status_code == 429 and pending.json()["error"] == "already_open"
    finally:
        for s in socks:
            s.disconnect()
        srv.kill()
