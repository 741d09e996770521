"""Assistance requests over HTTP on a real Redis: the contract, roles + CSRF, transitions, the per-kiosk limits."""

from __future__ import annotations

import pytest
import redis

from server.assist.store import AssistError, AssistStore
from server.kiosk.enrol import HEADER
from server.store.keys import Keys
from tests.conftest import make_user
from tests.helpers import enrol_kiosk

FIELDS = {"id", "zone", "kiosk", "reason", "state", "created", "updated", "by_name", "acknowledged_at", "resolved_at"}


def staff_client(app, r: redis.Redis, role: str = "staff", name: str = "wangli"):  # type: ignore[no-untyped-def]
    user, pw = make_user(r, name, role, prefix=app.extensions["services"].keys.prefix)
    c = app.test_client()
    res = c.post("/login", data={"username": user, "password": pw})
    assert res.status_code == 302
    csrf = c.get("/api/v1/session").get_json()["csrf"]
    return c, {"X-CSRF-Token": csrf}


def test_round_trip_contract(app, client, r, prefix) -> None:  # type: ignore[no-untyped-def]
    res = client.post("/api/v1/assist", json={"zone": "fridges", "kiosk": "fridges-1", "reason": "product_question"},
                      headers={HEADER: enrol_kiosk(r, prefix, "fridges-1", "fridges")})
    assert res.status_code == 201
    body = res.get_json()
    assert set(body) == FIELDS
    assert body["state"] == "sent" and body["by_name"] is None and body["zone"] == "fridges" and body["kiosk"] == "fridges-1"
    staff, h = staff_client(app, r)
    listed = staff.get("/api/v1/assist?state=open").get_json()["requests"]
    assert [x["id"] for x in listed] == [body["id"]]
    ack = staff.post(f"/api/v1/assist/{body['id']}/ack", headers=h)
    assert ack.status_code == 200
    assert ack.get_json()["state"] == "acknowledged" and ack.get_json()["by_name"] == "Wangli"
    assert staff.post(f"/api/v1/assist/{body['id']}/ack", headers=h).status_code == 409
    done = staff.post(f"/api/v1/assist/{body['id']}/resolve", headers=h).get_json()
    assert done["state"] == "resolved" and done["by_name"] == "Wangli" and done["updated"] >= done["created"]
    assert staff.get("/api/v1/assist?state=open").get_json()["requests"] == []
    assert [x["state"] for x in staff.get("/api/v1/assist?state=all").get_json()["requests"]] == ["resolved"]
    assert staff.post(f"/api/v1/assist/{body['id']}/resolve", headers=h).status_code == 409


def test_staff_endpoints_need_login_role_and_csrf(app, client, r, prefix) -> None:  # type: ignore[no-untyped-def]
    rid = client.post("/api/v1/assist", json={"zone": "fridges", "kiosk": "k-2", "reason": "other"},
                      headers={HEADER: enrol_kiosk(r, prefix, "k-2", "fridges")}).get_json()["id"]
    assert client.get("/api/v1/assist").status_code == 401
    assert client.post(f"/api/v1/assist/{rid}/ack").status_code == 401
    staff, h = staff_client(app, r, "manager", "boss")
    res = staff.post(f"/api/v1/assist/{rid}/ack")
    assert res.status_code == 403 and res.get_json()["field"] == "X-CSRF-Token"
    assert staff.post("/api/v1/assist/a999/ack", headers=h).get_json()["field"] == "id"
    assert staff.get("/api/v1/assist?state=closed").get_json()["field"] == "state"
    # resolving without an ack names the resolver
    assert staff.post(f"/api/v1/assist/{rid}/resolve", headers=h).get_json()["by_name"] == "Boss"


@pytest.mark.parametrize(("body", "field"), [
    (None, "body"), ([], "body"),
    ({"kiosk": "k", "reason": "other"}, "zone"),
    ({"zone": "atlantis", "kiosk": "k", "reason": "other"}, "zone"),
    ({"zone": "fridges", "reason": "other"}, "kiosk"),
    ({"zone": "fridges", "kiosk": "K_1", "reason": "other"}, "kiosk"),
    ({"zone": "fridges", "kiosk": "x" * 65, "reason": "other"}, "kiosk"),
    ({"zone": "fridges", "kiosk": "k", "reason": "lost-child"}, "reason"),
    ({"zone": "fridges", "kiosk": "k"}, "reason"),
])
def test_bad_requests_are_4xx_naming_the_field(client, body, field: str) -> None:  # type: ignore[no-untyped-def]
    res = client.post("/api/v1/assist", json=body) if body is not None else client.post("/api/v1/assist", data="nope")
    assert res.status_code == 400
    assert res.get_json()["field"] == field
    assert set(res.get_json()) == {"error", "detail", "field", "path"}


def test_limits_one_open_request_and_an_hourly_cap_but_no_cooldown_after_resolve(r, prefix) -> None:  # type: ignore[no-untyped-def]
    s = AssistStore(r, Keys(prefix), max_per_hour=3)
    t0 = 10_000.0
    a = s.create("fridges", "k-1", "other", now=t0)
    with pytest.raises(AssistError) as err:
        s.create("fridges", "k-1", "other", now=t0 + 1)
    assert err.value.status == 429 and err.value.error == "already_open" and err.value.retry_after >= 1
    s.create("fridges", "k-2", "other", now=t0 + 1)  # another kiosk is not limited
    s.transition(a["id"], "resolved", "Li", now=t0 + 5)
    # resolved a second ago and nothing pending: the shopper may call again at once
    b = s.create("fridges", "k-1", "checkout_help", now=t0 + 6)
    assert b["state"] == "sent"
    s.transition(b["id"], "acknowledged", "Li", now=t0 + 7)
    with pytest.raises(AssistError) as err:  # acknowledged is still pending
        s.create("fridges", "k-1", "other", now=t0 + 8)
    assert err.value.error == "already_open"
    s.transition(b["id"], "resolved", "Li", now=t0 + 9)
    c = s.create("fridges", "k-1", "other", now=t0 + 600)
    s.transition(c["id"], "resolved", "Li", now=t0 + 601)
    # the abuse limit: a 4th request within the hour of the first is refused until the first is an hour old
    with pytest.raises(AssistError) as err:
        s.create("fridges", "k-1", "other", now=t0 + 700)
    assert err.value.status == 429 and err.value.error == "too_many" and err.value.field == "kiosk"
    assert err.value.retry_after == 3600 - 700
    assert s.create("fridges", "k-1", "other", now=t0 + 3601)["state"] == "sent"


def test_elapsed_and_ack_times_in_the_inbox(app, r, svc) -> None:  # type: ignore[no-untyped-def]
    import time

    now = time.time()
    waiting = svc.assist.create("fridges", "k-old", "other", now=now - 95)
    acked = svc.assist.create("phones-5g", "k-acked", "other", now=now - 300)
    svc.assist.transition(acked["id"], "acknowledged", "Li", now=now - 240)
    staff, _ = staff_client(app, r)
    body = staff.get("/api/v1/assist?state=open").get_json()
    assert body["escalate_after_seconds"] == svc.settings.assist_escalate_seconds
    assert abs(body["now"] - time.time()) < 5
    by_id = {q["id"]: q for q in body["requests"]}
    assert 95 <= by_id[waiting["id"]]["elapsed_seconds"] < 100 and by_id[waiting["id"]]["ack_seconds"] is None
    assert 300 <= by_id[acked["id"]]["elapsed_seconds"] < 305 and by_id[acked["id"]]["ack_seconds"] == 60
    assert by_id[acked["id"]]["acknowledged_at"] == pytest.approx(now - 240)
    svc.assist.transition(waiting["id"], "resolved", "Li", now=now - 5)
    done = next(q for q in staff.get("/api/v1/assist?state=all").get_json()["requests"] if q["id"] == waiting["id"])
    assert done["elapsed_seconds"] == 90 and done["resolved_at"] == pytest.approx(now - 5)


def test_http_429_has_retry_after(client, r, prefix) -> None:  # type: ignore[no-untyped-def]
    body = {"zone": "fridges", "kiosk": "k-9", "reason": "other"}
    h = {HEADER: enrol_kiosk(r, prefix, "k-9", "fridges")}
    assert client.post("/api/v1/assist", json=body, headers=h).status_code == 201
    res = client.post("/api/v1/assist", json=body, headers=h)
    assert res.status_code == 429 and res.get_json()["error"] == "already_open"
    assert 1 <= int(res.headers["Retry-After"]) <= 30
    assert res.get_json()["field"] == "kiosk"
