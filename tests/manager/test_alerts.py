"""Alerts on a real Redis: one alert per condition that escalates and de-escalates, severity order, the badge,
history with the value that raised it, and the cameras' grace period after a server start."""

from __future__ import annotations

import time

import redis

from core.mall.loader import load_mall
from core.wire import CountEvent
from server.kiosk.registry import KioskRegistry
from server.manager.alerts import AlertEngine, capacity_severity
from server.store.counts import CountStore
from server.store.keys import Keys
from tests.conftest import make_user

MALL = load_mall(None)


class Zone:
    """Moves one zone's occupancy through the real store, as camera batches do."""

    def __init__(self, r: redis.Redis, prefix: str, zone: str) -> None:
        self.store = CountStore(r, Keys(prefix), MALL.mall.timezone, MALL.mall.opening_time)
        self.zone, self.cap, self.seq, self.n = zone, MALL.zone(zone).capacity, 0, 0
        self.camera = next(c.id for c in MALL.cameras if c.zone == zone)

    def to_pct(self, pct: float, now: float) -> int:
        want = -(-int(self.cap * pct) // 100)  # ceil
        self.seq += 1
        d = want - self.n
        self.store.apply_batch(self.camera, "s", self.zone, [CountEvent.of(self.seq, now, max(d, 0), max(-d, 0))], now)
        self.n = want
        return want


def _engine(r: redis.Redis, prefix: str, emitted: list[dict], **kw) -> AlertEngine:  # type: ignore[no-untyped-def]
    return AlertEngine(r, Keys(prefix), MALL, emitted.append, camera_offline_seconds=30, kiosk_offline_seconds=60, **kw)


def test_capacity_severity_rule_with_hysteresis() -> None:
    assert [capacity_severity(p, None) for p in (84.9, 89.9, 90, 99.9, 100, 130)] == \
        [None, None, "warning", "warning", "critical", "critical"]
    assert [capacity_severity(p, "warning") for p in (84.9, 85, 99.9, 100)] == [None, "warning", "warning", "critical"]
    assert [capacity_severity(p, "critical") for p in (84.9, 85, 94.9, 95)] == [None, "warning", "warning", "critical"]


def test_one_alert_per_zone_escalates_and_de_escalates(r: redis.Redis, prefix: str) -> None:
    emitted: list[dict] = []
    eng = _engine(r, prefix, emitted)
    z = Zone(r, prefix, "fridges")
    now = time.time()
    n_raise = z.to_pct(91, now)
    raised = eng.tick(now)
    assert [(a["id"], a["severity"], a["state"]) for a in raised] == [("capacity:fridges", "warning", "active")]
    assert raised[0]["raised_value"] == round(100 * n_raise / z.cap, 1)
    assert f"{n_raise} of {z.cap}" in raised[0]["message"] and "90 %" in raised[0]["message"]
    assert f"{n_raise}/{z.cap}" in raised[0]["message_zh"] and "冰箱" in raised[0]["message_zh"] and "90%" in raised[0]["message_zh"]

    n_up = z.to_pct(104, now + 10)
    up = eng.tick(now + 10)
    assert [(a["id"], a["severity"]) for a in up] == [("capacity:fridges", "critical")]
    active = eng.active()
    assert [a["id"] for a in active] == ["capacity:fridges"], "never two alerts for one zone"
    assert f"{n_up} of {z.cap}" in active[0]["message"] and "100 %" in active[0]["message"]
    assert active[0]["since"] == now + 10 and active[0]["raised"] == now

    eng.acknowledge("capacity:fridges", {"name": "Boss"}, now + 11)
    assert eng.unacknowledged(eng.active()) == 0
    z.to_pct(96, now + 20)
    assert eng.tick(now + 20) == [], "critical holds down to 95 %"
    n_down = z.to_pct(93, now + 30)
    down = eng.tick(now + 30)
    assert [(a["severity"], a["state"], a["acknowledged_by"]) for a in down] == [("warning", "acknowledged", "Boss")]
    assert f"{n_down} of {z.cap}" in down[0]["message"] and "down from critical" in down[0]["message"]
    assert f"{n_down}/{z.cap}" in down[0]["message_zh"] and "由严重降为警告" in down[0]["message_zh"]

    z.to_pct(101, now + 40)  # worse again: needs a new acknowledgement
    again = eng.tick(now + 40)
    assert [(a["severity"], a["state"], a["acknowledged_by"]) for a in again] == [("critical", "active", None)]
    assert eng.unacknowledged(eng.active()) == 1

    n_clear = z.to_pct(50, now + 50)
    cleared = eng.tick(now + 50)
    assert [(a["id"], a["state"]) for a in cleared] == [("capacity:fridges", "cleared")]
    hist = eng.history()
    assert len(hist) == 1
    h = hist[0]
    assert h["raised_value"] == round(100 * n_raise / z.cap, 1)
    assert h["cleared_value"] == round(100 * n_clear / z.cap, 1)
    assert h["peak_value"] == round(100 * n_up / z.cap, 1) and h["peak_severity"] == "critical"
    assert f"{n_clear} of" not in h["message"], "history must not describe the clearing reading as the cause"
    assert [c["severity"] for c in h["changes"]] == ["warning", "critical", "warning", "critical"]
    assert [a["severity"] for a in emitted if a["id"] == "capacity:fridges"] == \
        ["warning", "critical", "critical", "warning", "critical", "critical"]  # raise, up, ack, down, up, clear


def test_active_alerts_by_severity_then_recency_and_the_badge(app, client, svc, r: redis.Redis, prefix: str) -> None:  # type: ignore[no-untyped-def]
    eng = AlertEngine(r, svc.keys, MALL, None, camera_offline_seconds=30, kiosk_offline_seconds=60,
                      kiosk_status=KioskRegistry(r, svc.keys).status)
    store = CountStore(r, svc.keys, MALL.mall.timezone, MALL.mall.opening_time)
    now = time.time()
    store.heartbeat("cam-tv-theatre-85-1", {"fps": 10}, now=now - 100)  # critical, raised first
    eng.tick(now)
    KioskRegistry(r, svc.keys).beat("k-phones-1", "phones-5g", now=now - 100)  # warning, raised later
    eng.tick(now + 5)
    phones = Zone(r, svc.keys.prefix, "phones-5g")
    phones.to_pct(92, now + 10)  # warning, newest
    eng.tick(now + 10)
    fridges = Zone(r, svc.keys.prefix, "fridges")
    fridges.to_pct(100, now + 20)  # critical, newest of all
    eng.tick(now + 20)
    order = [a["id"] for a in eng.active()]
    assert all(a["message_zh"] for a in eng.active()), "every alert has its Chinese text"
    assert order == ["capacity:fridges", "camera:cam-tv-theatre-85-1", "capacity:phones-5g", "kiosk:k-phones-1"]

    user, pw = make_user(r, "boss", "manager", prefix=svc.keys.prefix)
    assert client.post("/login", data={"username": user, "password": pw}).status_code == 302
    h = {"X-CSRF-Token": client.get("/api/v1/session").get_json()["csrf"]}
    body = client.get("/api/v1/manager/alerts").get_json()
    assert [a["id"] for a in body["active"]] == order and body["unacknowledged"] == 4
    assert client.post("/api/v1/manager/alerts/capacity:phones-5g/ack", headers=h).status_code == 200
    body = client.get("/api/v1/manager/alerts").get_json()
    assert body["unacknowledged"] == 3 and len(body["active"]) == 4
    # a warning that escalates to critical moves up by severity and counts again
    phones.to_pct(105, now + 30)
    eng.tick(now + 30)
    body = client.get("/api/v1/manager/alerts").get_json()
    assert [a["id"] for a in body["active"]][:2] == ["capacity:phones-5g", "capacity:fridges"]
    assert body["unacknowledged"] == 4


def test_cameras_get_a_grace_period_after_a_server_start(r: redis.Redis, prefix: str) -> None:
    """Heartbeats stored before the restart are old; cameras reconnect within seconds: no raise-then-clear burst."""
    emitted: list[dict] = []
    store = CountStore(r, Keys(prefix), MALL.mall.timezone, MALL.mall.opening_time)
    now = time.time()
    cams = [c.id for c in MALL.cameras][:16]
    for c in cams:
        store.heartbeat(c, {"fps": 10}, now=now - 120)  # the server was down for two minutes
    eng = _engine(r, prefix, emitted, camera_grace_seconds=60)
    assert eng.tick(now) == []
    for c in cams[:-1]:  # every camera but one comes back within a few seconds
        store.heartbeat(c, {"fps": 10}, now=now + 3)
    assert eng.tick(now + 4) == []
    for c in cams[:-1]:
        store.heartbeat(c, {"fps": 10}, now=now + 45)
    assert eng.tick(now + 59) == []
    assert emitted == []
    # after the grace period the one that never came back is offline
    late = eng.tick(now + 61)
    assert [a["id"] for a in late] == [f"camera:{cams[-1]}"]
    # a camera heard since the start is judged by the normal 30 s rule, grace or not
    eng2 = _engine(r, prefix + "b:", [], camera_grace_seconds=600)
    store2 = CountStore(r, Keys(prefix + "b:"), MALL.mall.timezone, MALL.mall.opening_time)
    eng2.tick(now)
    store2.heartbeat(cams[0], {"fps": 10}, now=now + 1)
    assert eng2.tick(now + 20) == []
    assert [a["id"] for a in eng2.tick(now + 32)] == [f"camera:{cams[0]}"]


def test_an_active_camera_alert_survives_a_restart_without_clearing(r: redis.Redis, prefix: str) -> None:
    store = CountStore(r, Keys(prefix), MALL.mall.timezone, MALL.mall.opening_time)
    now = time.time()
    cam = MALL.cameras[0].id
    store.heartbeat(cam, {"fps": 10}, now=now - 100)
    first = _engine(r, prefix, [])
    assert [a["id"] for a in first.tick(now)] == [f"camera:{cam}"]
    restarted = _engine(r, prefix, [], camera_grace_seconds=60)  # a new process, same Redis
    assert restarted.tick(now + 10) == [] and restarted.tick(now + 30) == []
    assert [a["id"] for a in restarted.active()] == [f"camera:{cam}"]
    store.heartbeat(cam, {"fps": 10}, now=now + 31)
    assert [(a["id"], a["state"]) for a in restarted.tick(now + 32)] == [(f"camera:{cam}", "cleared")]
