"""One camera token cannot push counts past plausibility: implausible events are quarantined and flagged, not
stored; a manager can correct a zone's occupancy, recorded as a correction."""

from __future__ import annotations

import time

import pytest

from server.ingest.camera_api import plausibility_limits
from tests.conftest import make_user
from tests.helpers import auth, ev

CAM, ZONE = "cam-fridges-1", "fridges"


@pytest.fixture
def cam(app):  # type: ignore[no-untyped-def]
    return auth(app.extensions["services"].camera_tokens.issue(CAM))


@pytest.fixture
def limit(app):  # type: ignore[no-untyped-def]
    svc = app.extensions["services"]
    return plausibility_limits(svc.mall, svc.settings)[ZONE]


def _entries_stored(svc) -> int:  # type: ignore[no-untyped-def]
    return svc.reader.area_stats([ZONE])[ZONE]["in_today"]


def _manager(app, r, role: str = "manager"):  # type: ignore[no-untyped-def]
    user, pw = make_user(r, f"{role}1", role, prefix=app.extensions["services"].keys.prefix)
    c = app.test_client()
    assert c.post("/login", data={"username": user, "password": pw}).status_code == 302
    return c, {"X-CSRF-Token": c.get("/api/v1/session").json["csrf"]}


def test_ten_thousand_per_event_is_quarantined_not_stored(app, client, cam, r) -> None:  # type: ignore[no-untyped-def]
    svc = app.extensions["services"]
    now = time.time()
    seq = 0
    for _ in range(5):
        batch = [ev(seq + i + 1, 10_000, 0, t=now - 1) for i in range(1000)]
        seq += 1000
        res = client.post(f"/api/v1/cameras/{CAM}/events", json={"events": batch}, headers=cam)
        assert res.status_code == 200, res.json
        assert res.json["quarantined"] == 1000 and res.json["applied"] == 0
        assert res.json["high_water"] == seq  # received: the camera is not asked to resend
    assert svc.reader.occupancy([ZONE])[ZONE] == 0
    assert _entries_stored(svc) == 0
    crowd = {z["zone"]: z for z in client.get("/api/v1/zones").json["zones"]}
    assert crowd[ZONE]["occupancy"] == 0 and crowd[ZONE]["level"] != "full", crowd[ZONE]
    mgr, h = _manager(app, r)
    q = mgr.get("/api/v1/quarantine", headers=h).json
    assert len(q["events"]) >= 200 and q["events"][0]["reason"] == "people-per-event" and q["events"][0]["in"] == 10_000
    assert q["events"][0]["camera"] == CAM
    # ordinary counting goes on
    res = client.post(f"/api/v1/cameras/{CAM}/events", json={"events": [ev(seq + 1, 2, 0), ev(seq + 2, 1, 0)]}, headers=cam)
    assert res.json["applied"] == 2 and res.json["quarantined"] == 0
    assert svc.reader.occupancy([ZONE])[ZONE] == 3


def test_people_per_minute_limit(app, client, cam, limit) -> None:  # type: ignore[no-untyped-def]
    t = time.time() // 60 * 60 + 1  # one minute
    if time.time() - t > 50:
        t += 60
    if t > time.time() + 240:
        pytest.skip("clock edge")
    per = limit.people_per_event
    n_ok = limit.people_per_minute // per
    events = [ev(i + 1, per, per, t=min(t + i * 0.1, time.time())) for i in range(n_ok + 2)]
    res = client.post(f"/api/v1/cameras/{CAM}/events", json={"events": events}, headers=cam).json
    assert res["applied"] == n_ok and res["quarantined"] == 2, res


def test_occupancy_beyond_a_multiple_of_capacity(app, client, cam, limit, r) -> None:  # type: ignore[no-untyped-def]
    svc = app.extensions["services"]
    step = min(limit.people_per_event, limit.occupancy // 2 + 1)
    now = time.time()
    res = client.post(f"/api/v1/cameras/{CAM}/events", json={"events": [ev(1, step, 0, t=now - 130)]}, headers=cam).json
    assert res["applied"] == 1
    res = client.post(f"/api/v1/cameras/{CAM}/events", json={"events": [ev(2, step, 0, t=now - 70)]}, headers=cam).json
    assert res["quarantined"] == 1 and res["occupancy"] == step
    assert svc.reader.occupancy([ZONE])[ZONE] == step
    mgr, h = _manager(app, r)
    assert mgr.get("/api/v1/quarantine", headers=h).json["events"][0]["reason"] == "occupancy"


def test_manager_corrects_occupancy(app, client, cam, r) -> None:  # type: ignore[no-untyped-def]
    svc = app.extensions["services"]
    client.post(f"/api/v1/cameras/{CAM}/events", json={"events": [ev(1, 9, 0)]}, headers=cam)
    mgr, h = _manager(app, r)
    res = mgr.post(f"/api/v1/zones/{ZONE}/occupancy", json={"occupancy": 4, "reason": "head count at 14:00"}, headers=h)
    assert res.status_code == 200 and res.json == {"zone": ZONE, "before": 9, "after": 4, "reason": "manual"}
    assert svc.reader.occupancy([ZONE])[ZONE] == 4
    corr = mgr.get("/api/v1/manager/corrections", headers=h).json["corrections"][0]
    assert corr["area"] == ZONE and corr["before"] == 9 and corr["after"] == 4 and corr["reason"] == "manual"
    assert corr["by"] == "manager1" and corr["note"] == "head count at 14:00"
    client.post(f"/api/v1/cameras/{CAM}/events", json={"events": [ev(2, 1, 0)]}, headers=cam)
    assert svc.reader.occupancy([ZONE])[ZONE] == 5  # counting continues from the corrected value


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"occupancy": -1, "reason": "x"}, 422, "occupancy"), ({"occupancy": "4", "reason": "x"}, 422, "occupancy"),
    ({"occupancy": 10**9, "reason": "x"}, 422, "occupancy"), ({"occupancy": True, "reason": "x"}, 422, "occupancy"),
    ({"occupancy": 4}, 422, "reason"), ({"occupancy": 4, "reason": " "}, 422, "reason"), ([4], 400, "body"),
])
def test_correction_bad_input(app, r, body, status, field) -> None:  # type: ignore[no-untyped-def]
    mgr, h = _manager(app, r)
    res = mgr.post(f"/api/v1/zones/{ZONE}/occupancy", json=body, headers=h)
    assert res.status_code == status and res.json["field"] == field, res.json


def test_correction_is_for_managers_only(app, client, r) -> None:  # type: ignore[no-untyped-def]
    assert client.post(f"/api/v1/zones/{ZONE}/occupancy", json={"occupancy": 1, "reason": "x"}).status_code == 401
    staff, h = _manager(app, r, "staff")
    assert staff.post(f"/api/v1/zones/{ZONE}/occupancy", json={"occupancy": 1, "reason": "x"}, headers=h).status_code == 403
    mgr, h = _manager(app, r)
    assert mgr.post("/api/v1/zones/atlantis/occupancy", json={"occupancy": 1, "reason": "x"}, headers=h).status_code == 404
