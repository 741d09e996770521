"""Enrolled kiosks (KIOSK_ENROLMENT=1): anonymous callers can neither bury the staff inbox nor create kiosk
offline alerts; an enrolled kiosk works with its secret, for its own id and zone only; retired and stale kiosks
stop counting; assistance has a mall-wide rate limit; an unenrolled browser still reads the zone page."""

from __future__ import annotations

import time

import pytest
import socketio

from server.kiosk.enrol import HEADER
from tests.conftest import ServerProcess, make_user

ZONE = "fridges"


@pytest.fixture
def kapp(make_app):  # type: ignore[no-untyped-def]
    """The app with kiosk enrolment switched on."""
    return make_app(kiosk_enrolment=True)


def _manager(app):  # type: ignore[no-untyped-def]
    svc = app.extensions["services"]
    user, pw = make_user(svc.redis, "boss", prefix=svc.keys.prefix)
    c = app.test_client()
    assert c.post("/login", data={"username": user, "password": pw}).status_code == 302
    return c, {"X-CSRF-Token": c.get("/api/v1/session").json["csrf"]}


def _enrol(app, kiosk: str, zone: str = ZONE) -> str:  # type: ignore[no-untyped-def]
    mgr, h = _manager(app)
    res = mgr.post("/api/v1/kiosks", json={"kiosk": kiosk, "zone": zone}, headers=h)
    assert res.status_code == 201, res.json
    assert res.json["link"].startswith(f"/kiosk/{zone}?kiosk={kiosk}#enrol=kio_")
    return res.json["secret"]


def test_anonymous_cannot_bury_the_inbox_or_invent_kiosks(kapp) -> None:  # type: ignore[no-untyped-def]
    svc = kapp.extensions["services"]
    anon = kapp.test_client()
    for i in range(50):
        res = anon.post("/api/v1/assist", json={"zone": ZONE, "kiosk": f"fake-{i}", "reason": "other"})
        assert res.status_code == 401 and res.json["error"] == "kiosk_not_enrolled" and res.json["field"] == HEADER
        res = anon.post("/api/v1/kiosk/heartbeat", json={"kiosk": f"fake-{i}", "zone": ZONE, "version": "1"})
        assert res.status_code == 401
    assert anon.post("/api/v1/kiosk/engagement", json={"zone": ZONE, "sessions": 1}).status_code == 401
    assert svc.assist.list("all") == []
    assert svc.kiosks.status() == {}
    # the zone page and its public data stay readable without a secret
    assert anon.get(f"/kiosk/{ZONE}").status_code == 200
    assert anon.get(f"/api/v1/kiosk/content/{ZONE}").status_code == 200
    assert anon.get("/api/v1/zones").status_code == 200


def test_enrolled_kiosk_works_for_its_own_id_and_zone(kapp) -> None:  # type: ignore[no-untyped-def]
    svc = kapp.extensions["services"]
    secret = _enrol(kapp, "fridges-k1")
    k = kapp.test_client()
    h = {HEADER: secret}
    assert k.post("/api/v1/kiosk/heartbeat", json={"kiosk": "fridges-k1", "zone": ZONE, "version": "1"}, headers=h).status_code == 200
    assert k.post("/api/v1/kiosk/engagement", json={"zone": ZONE, "sessions": 1}, headers=h).status_code == 202
    res = k.post("/api/v1/assist", json={"zone": ZONE, "kiosk": "fridges-k1", "reason": "other"}, headers=h)
    assert res.status_code == 201, res.json
    res = k.post("/api/v1/assist", json={"zone": ZONE, "kiosk": "fridges-k2", "reason": "other"}, headers=h)
    assert res.status_code == 403 and res.json["field"] == "kiosk"
    res = k.post("/api/v1/assist", json={"zone": "dishwashers", "kiosk": "fridges-k1", "reason": "other"}, headers=h)
    assert res.status_code == 403 and res.json["field"] == "zone"
    assert k.post("/api/v1/kiosk/heartbeat", json={"kiosk": "fridges-k1", "zone": ZONE}, headers={HEADER: "kio_guess"}).status_code == 401
    assert list(svc.kiosks.status()) == ["fridges-k1"]


def test_retired_kiosk_stops_working_and_leaves_the_status(kapp) -> None:  # type: ignore[no-untyped-def]
    svc = kapp.extensions["services"]
    secret = _enrol(kapp, "fridges-k1")
    k = kapp.test_client()
    k.post("/api/v1/kiosk/heartbeat", json={"kiosk": "fridges-k1", "zone": ZONE}, headers={HEADER: secret})
    mgr, h = _manager(kapp)
    assert mgr.get("/api/v1/kiosks", headers=h).json["kiosks"]["fridges-k1"]["online"] is True
    assert mgr.post("/api/v1/kiosks/fridges-k1/retire", headers=h).status_code == 200
    assert mgr.post("/api/v1/kiosks/fridges-k1/retire", headers=h).status_code == 404
    assert svc.kiosks.status() == {}
    assert k.post("/api/v1/kiosk/heartbeat", json={"kiosk": "fridges-k1", "zone": ZONE}, headers={HEADER: secret}).status_code == 401
    # re-enrolling gives a new secret; the old one stays dead
    new = _enrol(kapp, "fridges-k1")
    assert new != secret
    assert k.post("/api/v1/kiosk/heartbeat", json={"kiosk": "fridges-k1", "zone": ZONE}, headers={HEADER: secret}).status_code == 401


def test_stale_kiosk_stops_alerting(kapp) -> None:  # type: ignore[no-untyped-def]
    svc = kapp.extensions["services"]
    svc.kiosks.beat("old-kiosk", ZONE, "1", now=time.time() - 2 * 86400)
    svc.kiosks.beat("recent-kiosk", ZONE, "1", now=time.time() - 3600)
    status = svc.kiosks.status(60)
    assert "old-kiosk" not in status and status["recent-kiosk"]["online"] is False


def test_mall_wide_assistance_limit(make_app, r, prefix) -> None:  # type: ignore[no-untyped-def]
    app = make_app(kiosk_enrolment=True, assist_global_per_minute=3)
    if time.time() % 60 > 55:
        time.sleep(6)  # keep the requests in one minute
    codes = []
    for i in range(5):
        secret = _enrol(app, f"k-{i}")
        res = app.test_client().post("/api/v1/assist", json={"zone": ZONE, "kiosk": f"k-{i}", "reason": "other"},
                                     headers={HEADER: secret})
        codes.append(res.status_code)
        if res.status_code == 429:
            assert res.json["error"] == "too_many" and int(res.headers["Retry-After"]) > 0
    assert codes == [201, 201, 201, 429, 429]


def test_enrol_bad_input_and_permissions(kapp) -> None:  # type: ignore[no-untyped-def]
    mgr, h = _manager(kapp)
    assert mgr.post("/api/v1/kiosks", json={"kiosk": "Bad Id", "zone": ZONE}, headers=h).json["field"] == "kiosk"
    assert mgr.post("/api/v1/kiosks", json={"kiosk": "k1", "zone": "atlantis"}, headers=h).json["field"] == "zone"
    assert kapp.test_client().post("/api/v1/kiosks", json={"kiosk": "k1", "zone": ZONE}).status_code == 401


def test_cli_enrols_a_kiosk(kapp) -> None:  # type: ignore[no-untyped-def]
    out = kapp.test_cli_runner().invoke(args=["kiosks", "enrol", "fridges-k9", "--zone", ZONE])
    assert out.exit_code == 0, out.output
    kiosk, zone, secret, link = out.output.strip().split("\t")
    assert (kiosk, zone) == ("fridges-k9", ZONE) and secret in link
    res = kapp.test_client().post("/api/v1/kiosk/heartbeat", json={"kiosk": kiosk, "zone": ZONE}, headers={HEADER: secret})
    assert res.status_code == 200
    assert kapp.test_cli_runner().invoke(args=["kiosks", "retire", kiosk]).exit_code == 0


def test_sockets_speak_only_for_their_own_enrolled_kiosk(redis_url, r) -> None:  # type: ignore[no-untyped-def]
    server = ServerProcess(redis_url, prefix="enrol:", KIOSK_ENROLMENT="1").start()
    try:
        from core.mall.loader import load_mall
        from server.kiosk.enrol import KioskEnrolment
        from server.store.keys import Keys

        secret = KioskEnrolment(r, Keys("enrol:"), load_mall(None)).enrol("fridges-k1", ZONE)
        anon = socketio.Client(reconnection=False)
        anon.connect(server.url, transports=["websocket"])
        assert anon.call("subscribe", {"zone": ZONE}, timeout=5)["ok"] is True  # read-only page still live
        assert anon.call("subscribe", {"zone": ZONE, "kiosk": "fridges-k1"}, timeout=5)["error"] == "kiosk_not_enrolled"
        assert anon.call("kiosk_heartbeat", {"kiosk": "fridges-k1", "zone": ZONE}, timeout=5)["ok"] is False
        anon.disconnect()
        kiosk = socketio.Client(reconnection=False)
        kiosk.connect(server.url, transports=["websocket"], auth={"kiosk_token": secret})
        assert kiosk.call("subscribe", {"zone": ZONE, "kiosk": "fridges-k1"}, timeout=5)["ok"] is True
        assert kiosk.call("kiosk_heartbeat", {"kiosk": "fridges-k1", "zone": ZONE, "version": "1"}, timeout=5)["ok"] is True
        assert kiosk.call("subscribe", {"zone": ZONE, "kiosk": "fridges-k2"}, timeout=5)["ok"] is False
        kiosk.disconnect()
    finally:
        server.kill()
