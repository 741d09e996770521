"""Kiosk endpoints on a real Redis: content, checkout summary, subsidy, heartbeats/registry, engagement."""

from __future__ import annotations

import json
import time

import pytest

from server.kiosk.enrol import HEADER
from server.kiosk.registry import KioskRegistry
from tests.conftest import make_user
from tests.helpers import enrol_kiosk


def login(app, r, role="manager"):  # type: ignore[no-untyped-def]
    user, pw = make_user(r, "boss" if role == "manager" else "li", role, prefix=app.extensions["services"].keys.prefix)
    c = app.test_client()
    assert c.post("/login", data={"username": user, "password": pw}).status_code == 302
    return c


def test_content_for_every_zone_and_404(client, app) -> None:  # type: ignore[no-untyped-def]
    for z in app.extensions["services"].mall.zones:
        body = client.get(f"/api/v1/kiosk/content/{z.id}").get_json()
        assert body["zone"] == z.id and body["version"] and body["subsidy"]["categories"]
    res = client.get("/api/v1/kiosk/content/atlantis")
    assert res.status_code == 404 and res.get_json()["field"] == "zone"


def test_checkout_summary_estimates_from_the_checkout_zone(client, app, r) -> None:  # type: ignore[no-untyped-def]
    mall = app.extensions["services"].mall
    r.hset(app.extensions["services"].keys.occupancy, mall.checkout.zone, 20)
    body = client.get("/api/v1/kiosk/checkout").get_json()
    assert body["queue"] == 20 and body["source"] in ("estimate", "staffing")
    assert body["open_counters"] >= 1
    if body["source"] == "estimate":
        # the live queue: a shopper joining waits for the 20 - open + 1 payments ahead at `open` per service time
        c = body["open_counters"]
        assert body["expected_wait_minutes"] == round((20 - c + 1) * mall.checkout.service_seconds / c / 60, 1)


def test_checkout_summary_uses_a_fresh_staffing_suggestion(client, app, r) -> None:  # type: ignore[no-untyped-def]
    svc = app.extensions["services"].staffing
    svc.compute_once()
    body = client.get("/api/v1/kiosk/checkout").get_json()
    assert body["source"] == "staffing"
    assert body["open_counters"] == svc.open_count()
    # one shape whichever path answered: `updated` is epoch seconds, as in the queue-based estimate
    assert isinstance(body["updated"], float) and abs(body["updated"] - time.time()) < 60


def test_subsidy_endpoint(client) -> None:  # type: ignore[no-untyped-def]
    ok = client.post("/api/v1/kiosk/subsidy", json={"items": [{"category": "tv", "energy_class": 1, "price": 12999}]})
    assert ok.status_code == 200 and ok.get_json()["total_subsidy"] == 2000
    bad = client.post("/api/v1/kiosk/subsidy", json={"items": [{"category": "tv", "energy_class": 9, "price": 1}]})
    assert bad.status_code == 400 and bad.get_json()["field"] == "items[0].energy_class"
    assert client.post("/api/v1/kiosk/subsidy", data="x").get_json()["field"] == "body"


def test_heartbeat_and_registry(client, app, r, prefix) -> None:  # type: ignore[no-untyped-def]
    h = {HEADER: enrol_kiosk(r, prefix, "fridges-1", "fridges")}
    assert client.post("/api/v1/kiosk/heartbeat", json={"kiosk": "fridges-1", "zone": "fridges", "version": "kiosk-1"},
                       headers=h).status_code == 200
    keys = app.extensions["services"].keys
    raw = json.loads(r.hget(keys.kiosk_heartbeats, "fridges-1"))
    assert raw["zone"] == "fridges" and raw["version"] == "kiosk-1" and raw["ts"] > 0
    reg = KioskRegistry(r, keys)
    reg.beat("old-1", "tablets", now=raw["ts"] - 120)
    st = reg.status(offline_after=60)
    assert st["fridges-1"]["online"] is True and st["fridges-1"]["zone"] == "fridges"
    assert st["old-1"]["online"] is False and st["old-1"]["last_seen"] == raw["ts"] - 120
    for body, field in [({"zone": "fridges"}, "kiosk"), ({"kiosk": "A!", "zone": "fridges"}, "kiosk"),
                        ({"kiosk": "k", "zone": "x"}, "zone"), ({"kiosk": "k", "zone": "fridges", "version": "a b"}, "version")]:
        res = client.post("/api/v1/kiosk/heartbeat", json=body, headers=h)
        assert res.status_code == 400 and res.get_json()["field"] == field
    assert client.get("/api/v1/kiosk/status").status_code == 401
    staff = login(app, r, "staff")
    assert staff.get("/api/v1/kiosk/status").get_json()["kiosks"]["fridges-1"]["online"] is True
    assert staff.get("/api/v1/kiosk/status?offline_after=abc").get_json()["field"] == "offline_after"


def test_engagement_counters_only(client, app, r, prefix) -> None:  # type: ignore[no-untyped-def]
    body = {"zone": "fridges", "sessions": 2, "session_ms": 90_000, "taps": {"compare": 3, "map": 1}}
    h = {HEADER: enrol_kiosk(r, prefix, "fridges-1", "fridges")}
    assert client.post("/api/v1/kiosk/engagement", json=body, headers=h).status_code == 202
    assert client.post("/api/v1/kiosk/engagement", json={"zone": "fridges", "taps": {"compare": 1}}, headers=h).status_code == 202
    mgr = login(app, r)
    rep = mgr.get("/api/v1/kiosk/engagement").get_json()
    assert rep["zones"]["fridges"] == {"sessions": 2, "avg_session_seconds": 45.0, "taps": {"compare": 4, "map": 1}}
    assert client.get("/api/v1/kiosk/engagement").status_code == 401
    assert login(app, r, "staff").get("/api/v1/kiosk/engagement").status_code == 403


@pytest.mark.parametrize(("body", "field"), [
    ({"zone": "nope"}, "zone"),
    ({"zone": "fridges", "taps": {"selfie": 1}}, "taps.selfie"),
    ({"zone": "fridges", "taps": {"map": -1}}, "taps.map"),
    ({"zone": "fridges", "sessions": "2"}, "sessions"),
    ({"zone": "fridges", "phone": "13800000000"}, "phone"),
    ({"zone": "fridges", "taps": []}, "taps"),
])
def test_engagement_rejects_bad_or_personal_fields(client, r, prefix, body, field: str) -> None:  # type: ignore[no-untyped-def]
    res = client.post("/api/v1/kiosk/engagement", json=body, headers={HEADER: enrol_kiosk(r, prefix, "fridges-1", "fridges")})
    assert res.status_code == 400 and res.get_json()["field"] == field
