"""Enrolled kiosks, on by default: anonymous callers can neither bury the staff inbox nor create kiosk offline
alerts; an enrolled kiosk works with its secret, for its own id and zone only; retired and stale kiosks stop
counting; assistance has a mall-wide rate limit; an unenrolled browser still reads the zone page; the demo enrols
one kiosk per zone; KIOSK_ENROLMENT=0 is the explicit opt-out."""

from __future__ import annotations

import queue
import time
from pathlib import Path

import pytest
import requests
import socketio

from server.kiosk.enrol import HEADER
from server.settings import Settings
from tests.conftest import ServerProcess, make_user
from tests.helpers import enrol_kiosk

ZONE = "fridges"


@pytest.fixture
def kapp(make_app):  # type: ignore[no-untyped-def]
    """The app with the default settings: kiosk enrolment is on without asking for it."""
    return make_app()


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
    app = make_app(assist_global_per_minute=3)
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
    """Over real Socket.IO clients of a server with the default settings: an anonymous socket may watch the zone
    but not join a kiosk's room (its assistance requests and the names of the staff coming), nor beat for it; the
    kiosk's own socket may, until the kiosk is retired."""
    server = ServerProcess(redis_url, prefix="enrol:", STAFFING_ENGINE="0").start()
    socks: list[socketio.Client] = []
    try:
        secret = enrol_kiosk(r, "enrol:", "fridges-k1", ZONE)
        anon_got: queue.Queue = queue.Queue()
        anon = socketio.Client(reconnection=False)
        anon.on("assist", anon_got.put)
        anon.connect(server.url, transports=["websocket"])
        socks.append(anon)
        assert anon.call("subscribe", {"zone": ZONE}, timeout=5)["ok"] is True  # read-only page still live
        assert anon.call("subscribe", {"zone": ZONE, "kiosk": "fridges-k1"}, timeout=5) == \
            {"ok": False, "error": "kiosk_not_enrolled", "field": "kiosk"}
        forged = socketio.Client(reconnection=False)  # a made-up secret is no better than none
        forged.connect(server.url, transports=["websocket"], auth={"kiosk_token": "kio_" + "x" * 32})
        socks.append(forged)
        assert forged.call("subscribe", {"zone": ZONE, "kiosk": "fridges-k1"}, timeout=5)["ok"] is False
        assert anon.call("kiosk_heartbeat", {"kiosk": "fridges-k1", "zone": ZONE}, timeout=5)["ok"] is False
        assert r.hget("enrol:kiosk:hb", "fridges-k1") is None

        kiosk_got: queue.Queue = queue.Queue()
        kiosk = socketio.Client(reconnection=False)
        kiosk.on("assist", kiosk_got.put)
        kiosk.connect(server.url, transports=["websocket"], auth={"kiosk_token": secret})
        socks.append(kiosk)
        assert kiosk.call("subscribe", {"zone": ZONE, "kiosk": "fridges-k1"}, timeout=5)["ok"] is True
        assert kiosk.call("kiosk_heartbeat", {"kiosk": "fridges-k1", "zone": ZONE, "version": "1"}, timeout=5)["ok"] is True
        assert kiosk.call("subscribe", {"zone": ZONE, "kiosk": "fridges-k2"}, timeout=5)["ok"] is False
        res = requests.post(server.url + "/api/v1/assist", json={"zone": ZONE, "kiosk": "fridges-k1", "reason": "other"},
                            headers={HEADER: secret}, timeout=5)
        assert res.status_code == 201, res.text
        assert kiosk_got.get(timeout=5)["id"] == res.json()["id"]  # the kiosk's own room carries its request
        time.sleep(0.5)
        assert anon_got.empty() and forged.call("subscribe", {"zone": ZONE}, timeout=5)["ok"] is True

        # retired: the socket that is already open is refused at its next heartbeat and cannot rejoin the room
        cli = requests.Session()  # a manager retires it
        user, pw = make_user(r, "boss", prefix="enrol:")
        cli.post(server.url + "/login", data={"username": user, "password": pw}, allow_redirects=False, timeout=5)
        csrf = cli.get(server.url + "/api/v1/session", timeout=5).json()["csrf"]
        assert cli.post(server.url + "/api/v1/kiosks/fridges-k1/retire", headers={"X-CSRF-Token": csrf}, timeout=5).status_code == 200
        ack = kiosk.call("kiosk_heartbeat", {"kiosk": "fridges-k1", "zone": ZONE, "version": "1"}, timeout=5)
        assert ack == {"ok": False, "error": "kiosk_not_enrolled", "field": "kiosk"}
        assert kiosk.call("subscribe", {"zone": ZONE, "kiosk": "fridges-k1"}, timeout=5)["ok"] is False
        assert r.hget("enrol:kiosk:hb", "fridges-k1") is None
    finally:
        for c in socks:
            c.disconnect()
        server.kill()


def test_enrolment_is_on_by_default_and_kiosk_enrolment_0_opts_out(make_app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The one place the opt-out is used: a lab where any browser may act as a kiosk."""
    monkeypatch.delenv("KIOSK_ENROLMENT", raising=False)
    assert Settings().kiosk_enrolment is True
    monkeypatch.setenv("KIOSK_ENROLMENT", "0")
    assert Settings().kiosk_enrolment is False
    lab = make_app(kiosk_enrolment=False).test_client()
    assert lab.post("/api/v1/kiosk/heartbeat", json={"kiosk": "lab-1", "zone": ZONE}).status_code == 200
    assert lab.post("/api/v1/assist", json={"zone": ZONE, "kiosk": "lab-1", "reason": "other"}).status_code == 201


def test_the_demo_enrols_one_kiosk_per_zone_and_prints_working_links(app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from urllib.parse import unquote, urlsplit

    from server.demo import enrol_demo_kiosks, kiosk_banner

    svc = app.extensions["services"]
    links = enrol_demo_kiosks(svc, tmp_path, "http://127.0.0.1:5000", keep=False)
    assert set(links) == {z.id for z in svc.mall.zones}
    banner = "\n".join(kiosk_banner(links, tmp_path))
    assert all(link in banner for link in links.values())
    assert (tmp_path / "kiosk_links.txt").stat().st_mode & 0o077 == 0
    c = app.test_client()
    for zone, link in links.items():
        url = urlsplit(link)
        assert url.path == f"/kiosk/{zone}" and url.query == f"kiosk={zone}-k1"
        secret = unquote(url.fragment.removeprefix("enrol="))
        res = c.post("/api/v1/kiosk/heartbeat", json={"kiosk": f"{zone}-k1", "zone": zone}, headers={HEADER: secret})
        assert res.status_code == 200, (zone, res.json)
    # DEMO_KEEP=1: devices already set up keep their secret; a fresh demo gives new ones
    assert enrol_demo_kiosks(svc, tmp_path, "http://127.0.0.1:5000", keep=True) == links
    fresh = enrol_demo_kiosks(svc, tmp_path, "http://127.0.0.1:5000", keep=False)
    assert all(fresh[z] != links[z] for z in links)
    assert len(svc.kiosks.status()) == len(links)  # every demo kiosk beat once above
