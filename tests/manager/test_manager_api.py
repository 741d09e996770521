"""Manager APIs against a real server process and a real Redis: export, zone detail, alerts, staffing decisions."""

from __future__ import annotations

import csv
import io
import json
import random
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import redis
import requests

from core.mall.loader import load_mall
from core.wire import CountEvent
from server.kiosk.registry import KioskRegistry
from server.manager.alerts import AlertEngine
from server.store.counts import CountStore
from server.store.keys import Keys
from tests.conftest import ServerProcess
from tests.manager.helpers import Camera, seed_demand, session, user

MALL = load_mall(None)
TZ = ZoneInfo(MALL.mall.timezone)


def _expected(events: dict[str, list[tuple[float, int, int]]]) -> dict[tuple[str, int, str], tuple[int, int]]:
    """(local date, hour, zone) → (in, out), computed independently of the server."""
    out: dict[tuple[str, int, str], tuple[int, int]] = {}
    for zone, evs in events.items():
        for t, cin, cout in evs:
            dt = datetime.fromtimestamp(t, TZ)
            k = (dt.strftime("%Y-%m-%d"), dt.hour, zone)
            a, b = out.get(k, (0, 0))
            out[k] = (a + cin, b + cout)
    return out


def test_csv_and_json_export_equal_the_ingested_counts(live: ServerProcess, r: redis.Redis) -> None:
    rng = random.Random(6)
    now = time.time()
    cams = {"fridges": "cam-fridges-1", "hotpot-cold-chain": "cam-hotpot-cold-chain-1"}
    entrance = next(c.id for c in MALL.cameras if c.entrance)
    sent: dict[str, list[tuple[float, int, int]]] = {"fridges": [], "hotpot-cold-chain": [], "mall": []}
    for zone, cam_id in [*cams.items(), ("mall", entrance)]:
        cam = Camera(live.url, r, "t:", cam_id)
        times = sorted(now - rng.uniform(60, 20 * 3600) for _ in range(25))
        evs = [(t, rng.randint(0, 9), rng.randint(0, 6)) for t in times]
        for i in range(0, len(evs), 7):  # several batches, like a real camera
            cam.send(evs[i : i + 7])
        sent[zone] = evs
    expected = _expected(sent)
    days = sorted({k[0] for k in expected})
    first, last = days[0], days[-1]
    s = session(live.url, *user(r, "t:", "boss", "manager"))

    res = s.get(live.url + "/api/v1/manager/export.csv", params={"from": first, "to": last}, timeout=10)
    assert res.status_code == 200 and res.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in res.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(res.text)))
    n_days = (datetime.fromisoformat(last) - datetime.fromisoformat(first)).days + 1
    assert len(rows) == n_days * 24 * (len(MALL.zones) + 1)
    assert list(rows[0]) == ["date", "hour", "zone", "name_en", "floor", "entries", "exits", "occupancy"]
    seen = 0
    occ: dict[tuple[str, str], int] = {}
    now_local = datetime.now(TZ)
    for row in rows:
        key = (row["date"], int(row["hour"]), row["zone"])
        if (key[0], key[1]) > (now_local.strftime("%Y-%m-%d"), now_local.hour):  # not started yet: empty
            assert row["entries"] == row["exits"] == row["occupancy"] == "", key
            continue
        want = expected.get(key, (0, 0))
        assert (int(row["entries"]), int(row["exits"])) == want, key
        seen += bool(key in expected)
        # occupancy: running net within the business day, clamped at 0, restarting at 00:00 and at opening
        day_key = (row["zone"], row["date"])
        if key[1] in (0, MALL.mall.opening_time.hour):
            occ[day_key] = 0
        occ[day_key] = max(0, occ.get(day_key, 0) + want[0] - want[1])
        assert int(row["occupancy"]) == occ[day_key], key
    assert seen == len(expected)
    assert sum(int(r_["entries"] or 0) for r_ in rows) == sum(c for evs in sent.values() for _, c, _ in evs)

    # One day only, and the same through the JSON API.
    one = s.get(live.url + "/api/v1/manager/export", params={"from": last, "zones": "fridges,mall"}, timeout=10).json()
    assert one["from"] == one["to"] == last and len(one["rows"]) == 48
    for row in one["rows"]:
        if row["entries"] is not None:
            assert (row["entries"], row["exits"]) == expected.get((row["date"], row["hour"], row["zone"]), (0, 0))
    same = s.get(live.url + "/api/v1/manager/export", params={"from": last, "zones": "fridges,mall", "format": "csv"}, timeout=10)
    assert [int(x["entries"]) if x["entries"] else None for x in csv.DictReader(io.StringIO(same.text))] == \
        [x["entries"] for x in one["rows"]]


@pytest.mark.parametrize(("params", "field"), [
    ({}, "from"),
    ({"from": "2026-13-01"}, "from"),
    ({"from": "yesterday"}, "from"),
    ({"from": "2026-01-01T00:00"}, "from"),
    ({"from": "2026-01-05", "to": "2026-01-04"}, "to"),
    ({"from": "2026-01-05", "to": "05/01/2026"}, "to"),
    ({"from": "2020-01-01", "to": "2026-01-01"}, "to"),
    ({"from": "2999-01-01"}, "from"),
    ({"from": "2026-01-05", "zones": "no-such-zone"}, "zones"),
    ({"from": "2026-01-05", "zones": "fridges,fridges"}, "zones"),
    ({"from": "2026-01-05", "format": "xml"}, "format"),
])
def test_bad_export_parameters_get_a_4xx_naming_the_parameter(live: ServerProcess, r: redis.Redis, params: dict, field: str) -> None:
    s = session(live.url, *user(r, "t:", "boss", "manager"))
    for path in ("/api/v1/manager/export", "/api/v1/manager/export.csv"):
        if path.endswith(".csv") and field == "format":
            continue
        res = s.get(live.url + path, params=params, timeout=5)
        assert res.status_code == 400, (path, params, res.text)
        body = res.json()
        assert body["field"] == field and body["error"] and body["detail"], body


def test_roles_on_manager_apis(live: ServerProcess, r: redis.Redis) -> None:
    for path in ("/api/v1/manager/zones", "/api/v1/manager/export?from=2026-01-01", "/api/v1/manager/alerts",
                 "/api/v1/manager/zones/fridges", "/api/v1/manager/sparklines", "/api/v1/manager/footfall"):
        anon = requests.get(live.url + path, timeout=5)
        assert anon.status_code == 401 and anon.json()["error"] == "login_required", path
    staff = session(live.url, *user(r, "t:", "clerk", "staff"))
    assert staff.get(live.url + "/api/v1/manager/zones", timeout=5).status_code == 403
    assert staff.post(live.url + "/api/v1/staffing/accept", json={}, timeout=5).status_code == 403
    assert staff.get(live.url + "/api/v1/counters", timeout=5).status_code == 200  # staff run the counters
    assert requests.get(live.url + "/manager", allow_redirects=False, timeout=5).status_code == 302


def test_zone_detail_series_and_unknown_zone(live: ServerProcess, r: redis.Redis) -> None:
    cam = Camera(live.url, r, "t:", "cam-fridges-1")
    now = time.time()
    cam.send([(now - 30 * 60, 5, 1), (now - 5 * 60, 4, 2), (now - 3 * 3600, 9, 0)])
    cam.heartbeat()
    s = session(live.url, *user(r, "t:", "boss", "manager"))
    d = s.get(live.url + "/api/v1/manager/zones/fridges", timeout=5).json()
    assert (d["in_1h"], d["out_1h"]) == (9, 3)
    assert d["capacity"] == MALL.zone("fridges").capacity
    assert len(d["curve"]["today"]) == len(d["curve"]["last_week"]) == 96
    assert {c["camera"]: c["online"] for c in d["cameras"]}["cam-fridges-1"] is True
    assert s.get(live.url + "/api/v1/manager/zones/nope", timeout=5).json()["field"] == "zone_id"
    sp = s.get(live.url + "/api/v1/manager/sparklines", timeout=5).json()
    assert len(sp["zones"]) == len(MALL.zones) + 1
    assert sp["zones"]["fridges"]["in_15m"] == 4 and sp["zones"]["fridges"]["trend"] == 4 - 0
    assert sum(sp["zones"]["fridges"]["entries"]) == 9
    ff = s.get(live.url + "/api/v1/manager/footfall", timeout=5).json()
    assert len(ff["t"]) == len(ff["entries"]) == len(ff["typical"]) == 288
    assert s.get(live.url + "/api/v1/manager/footfall?area=nope", timeout=5).json()["field"] == "area"


def _engine(r: redis.Redis, prefix: str, emitted: list[dict], kiosks: bool = False) -> tuple[AlertEngine, CountStore]:
    """An alert engine under the test's own prefix (no server's background engine writes there)."""
    keys = Keys(prefix)
    status = KioskRegistry(r, keys).status if kiosks else None
    eng = AlertEngine(r, keys, MALL, emitted.append, camera_offline_seconds=30, kiosk_offline_seconds=60, kiosk_status=status)
    return eng, CountStore(r, keys, MALL.mall.timezone, MALL.mall.opening_time)


def test_alert_engine_capacity_camera_drift_ack_history(r: redis.Redis, prefix: str) -> None:
    emitted: list[dict] = []
    eng, store = _engine(r, prefix, emitted)
    z = MALL.zone("fridges")
    now = time.time()
    n90 = -(-z.capacity * 9 // 10)  # ceil(90 %)
    store.apply_batch("cam-fridges-1", "s", "fridges", [CountEvent.of(1, now, n90, 0)], now)
    r.lpush(Keys(prefix).corrections, '{"area": "phones", "before": -2, "after": 0, "reason": "negative-clamp", "ts": 1}')
    raised = eng.tick(now)  # the first run takes stored corrections as history: no drift alert for them
    assert [a["id"] for a in raised] == ["capacity:fridges"] and raised[0]["severity"] == "warning"
    assert eng.tick(now) == []  # no repeat while the condition holds
    store.apply_batch("cam-fridges-1", "s", "fridges", [CountEvent.of(2, now, z.capacity - n90, 0)], now)
    assert [(a["id"], a["severity"]) for a in eng.tick(now)] == [("capacity:fridges", "critical")]  # the same alert escalates
    ack = eng.acknowledge("capacity:fridges", {"username": "boss", "name": "Boss"}, now)
    assert ack and ack["state"] == "acknowledged" and ack["acknowledged_by"] == "Boss"
    # leave: below 95 % steps the alert down to warning, still ≥ 85 % keeps it (hysteresis); the ack stays
    store.apply_batch("cam-fridges-1", "s", "fridges", [CountEvent.of(3, now, 0, max(1, z.capacity // 10))], now)
    down = eng.tick(now)
    assert [(a["id"], a["severity"], a["acknowledged_by"]) for a in down] == [("capacity:fridges", "warning", "Boss")]
    store.apply_batch("cam-fridges-1", "s", "fridges", [CountEvent.of(4, now, 0, z.capacity - max(1, z.capacity // 10))], now)
    assert [(a["id"], a["state"]) for a in eng.tick(now)] == [("capacity:fridges", "cleared")]
    hist = eng.history()
    assert hist[0]["id"] == "capacity:fridges" and hist[0]["acknowledged_by"] == "Boss" and hist[0]["cleared"]

    # camera: silent for ≥ 30 s after having reported; never-seen cameras do not alert
    store.heartbeat("cam-tv-theatre-85-1", {"fps": 10}, now=now - 31)
    assert [a["id"] for a in eng.tick(now)] == ["camera:cam-tv-theatre-85-1"]
    store.heartbeat("cam-tv-theatre-85-1", {"fps": 10}, now=now)
    assert [(a["id"], a["state"]) for a in eng.tick(now)] == [("camera:cam-tv-theatre-85-1", "cleared")]

    # drift: more out than in clamps occupancy (a correction) → one drift alert, ended by acknowledging
    store.apply_batch("cam-smart-kitchen-1", "s", "smart-kitchen", [CountEvent.of(1, now, 0, 3)], now + 1)
    drift = [a for a in eng.tick(now + 2) if a["kind"] == "drift"]
    assert [a["id"] for a in drift] == ["drift:smart-kitchen"] and "negative-clamp" in drift[0]["message"]
    assert eng.tick(now + 3) == [] or all(a["kind"] != "drift" for a in eng.tick(now + 3))
    # the reset at opening: 2 people left is noise, 40 is drift
    r.lpush(Keys(prefix).corrections, json.dumps({"area": "tablets", "before": 2, "after": 0, "reason": "daily-reset", "ts": now + 5}))
    r.lpush(Keys(prefix).corrections, json.dumps({"area": "phones-5g", "before": 40, "after": 0, "reason": "daily-reset", "ts": now + 5}))
    assert [a["id"] for a in eng.tick(now + 6)] == ["drift:phones-5g"]
    # a manager setting a zone's occupancy on purpose is a fix, not drift
    store.correct_occupancy("fridges", 12, "boss", "recount", now + 7)
    assert [a for a in eng.tick(now + 8) if a["kind"] == "drift"] == []
    done = eng.acknowledge("drift:smart-kitchen", {"username": "boss"}, now + 4)
    assert done and done["state"] == "cleared"
    assert "drift:smart-kitchen" not in {a["id"] for a in eng.active()}
    assert eng.acknowledge("nope", {"username": "boss"}) is None
    assert {a["id"] for a in emitted} >= {"capacity:fridges", "camera:cam-tv-theatre-85-1", "drift:smart-kitchen"}


def test_alert_engine_kiosk_offline(r: redis.Redis, prefix: str) -> None:
    emitted: list[dict] = []
    eng, _ = _engine(r, prefix, emitted, kiosks=True)
    now = time.time()
    KioskRegistry(r, Keys(prefix)).beat("k-fridges-1", "fridges", now=now - 61)
    KioskRegistry(r, Keys(prefix)).beat("k-phones-1", "phones", now=now)
    assert [a["id"] for a in eng.tick(now)] == ["kiosk:k-fridges-1"]
    KioskRegistry(r, Keys(prefix)).beat("k-fridges-1", "fridges", now=now)
    assert [a["state"] for a in eng.tick(now)] == ["cleared"]


def test_staffing_accept_opens_counters_with_audit_and_dismiss_needs_a_reason(redis_url: str, r: redis.Redis) -> None:
    seed_demand(r, "s:")
    srv = ServerProcess(redis_url, prefix="s:").start()
    try:
        s = session(srv.url, *user(r, "s:", "boss", "manager"))
        from tests.manager.helpers import wait_for

        cur = wait_for(lambda: s.get(srv.url + "/api/v1/staffing", timeout=5).json()["suggestion"], 10)
        assert cur and cur["suggested_open"] > cur["open_now"], cur
        # CSRF is required
        assert requests.post(srv.url + "/api/v1/staffing/accept", cookies=s.cookies, json={}, timeout=5).status_code == 403
        bad = s.post(srv.url + "/api/v1/staffing/dismiss", json={"reason": "  "}, timeout=5)
        assert bad.status_code == 400 and bad.json()["field"] == "reason"
        assert s.post(srv.url + "/api/v1/staffing/dismiss", data="[1]", headers={"Content-Type": "application/json"},
                      timeout=5).json()["field"] == "body"
        ok = s.post(srv.url + "/api/v1/staffing/dismiss", json={"reason": "two cashiers on break until 14:00"}, timeout=5)
        assert ok.status_code == 200
        dec = s.get(srv.url + "/api/v1/staffing/decisions", timeout=5).json()
        assert dec["dismissed"]["reason"] == "two cashiers on break until 14:00" and dec["dismissed"]["by"] == "boss"

        seen = {"time": cur["time"], "suggested_open": cur["suggested_open"]}
        res = s.post(srv.url + "/api/v1/staffing/accept", json=seen, timeout=10)
        if cur["suggested_open"] - cur["open_now"] > 3:  # a big change must be confirmed first
            assert res.status_code == 409 and res.json()["field"] == "confirm", res.text
            res = s.post(srv.url + "/api/v1/staffing/accept", json={**seen, "confirm": True}, timeout=10)
        assert res.status_code == 200, res.text
        body = res.json()
        opened = body["decision"]["changed"]
        assert len(opened) == cur["suggested_open"] - cur["open_now"]
        assert sum(c["state"] == "open" for c in body["counters"]) == cur["suggested_open"]
        audit = s.get(srv.url + "/api/v1/counters?audit_limit=50", timeout=5).json()["audit"]
        mine = [a for a in audit if a["by"] == "boss"]
        assert sorted(a["counter"] for a in mine) == sorted(opened)
        assert all(a["to"] == "open" and "accepted suggestion" in a["reason"] and "λ=" in a["reason"] for a in mine)
        assert body["suggestion"]["open_now"] == cur["suggested_open"]
        dec = s.get(srv.url + "/api/v1/staffing/decisions", timeout=5).json()
        assert dec["dismissed"] is None and dec["decisions"][0]["action"] == "accept"
    finally:
        srv.kill()


def test_session_expiry_sends_the_manager_back_to_login(app, r: redis.Redis) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from tests.conftest import make_user

    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=1)
    u, pw = make_user(r, prefix=app.extensions["services"].keys.prefix)
    c = app.test_client()
    assert c.post("/login", data={"username": u, "password": pw}).status_code == 302
    assert c.get("/api/v1/manager/zones").status_code == 200
    assert c.get("/manager").status_code == 200
    time.sleep(1.2)
    res = c.get("/api/v1/manager/zones")
    assert res.status_code == 401 and res.get_json()["error"] == "login_required"
    page = c.get("/manager")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    assert c.get("/api/v1/session").get_json()["user"] is None


def test_bad_requests_to_alerts_and_staffing_are_4xx_json(live: ServerProcess, r: redis.Redis) -> None:
    s = session(live.url, *user(r, "t:", "boss", "manager"))
    cases = [
        ("GET", "/api/v1/manager/alerts?limit=abc", None, 400, "limit"),
        ("GET", "/api/v1/manager/alerts?limit=0", None, 400, "limit"),
        ("GET", "/api/v1/manager/alerts?limit=100000", None, 400, "limit"),
        ("POST", "/api/v1/manager/alerts/no-such-alert/ack", {}, 404, "alert_id"),
        ("POST", "/api/v1/staffing/accept", "[1]", 400, "body"),
        ("POST", "/api/v1/staffing/accept", "{not json", 400, "body"),
        ("POST", "/api/v1/staffing/dismiss", {"reason": 5}, 400, "reason"),
        ("POST", "/api/v1/staffing/dismiss", {"reason": "x" * 201}, 400, "reason"),
        ("GET", "/api/v1/manager/zones/" + "x" * 300, None, 404, "zone_id"),
        ("GET", "/api/v1/manager/footfall?area=%00", None, 400, "area"),
    ]
    for method, path, body, status, field in cases:
        if isinstance(body, str):
            res = s.request(method, live.url + path, data=body, headers={"Content-Type": "application/json"}, timeout=5)
        else:
            res = s.request(method, live.url + path, json=body, timeout=5)
        assert res.status_code == status, (path, body, res.status_code, res.text)
        assert res.json()["field"] == field and res.json()["detail"], (path, res.text)
