"""Authorization matrix: {anonymous, kiosk, camera A, camera B, staff, manager} × every HTTP route and
every Socket.IO event and room — allowed exactly where intended, refused elsewhere.

Routes come from the app's URL map, so a new route without a policy here fails the test.
"kiosk" is an enrolled kiosk (it sends its secret, server/kiosk/enrol.py): it may do what anyone may do, plus send
heartbeats, engagement and assistance requests, which nobody else may.
"""

from __future__ import annotations

import queue
import time

import pytest
import socketio

from server.kiosk.enrol import HEADER
from tests.conftest import ServerProcess, make_user
from tests.helpers import auth, enrol_kiosk, ev, wait_for

ALL = frozenset({"anonymous", "kiosk", "camera_a", "camera_b", "staff", "manager"})
STAFF = frozenset({"staff", "manager"})
MANAGER = frozenset({"manager"})
KIOSK = frozenset({"kiosk"})
CAM_A, CAM_B = "cam-fridges-1", "cam-dishwashers-1"

# (rule, method) → identities allowed
POLICY: dict[tuple[str, str], frozenset[str]] = {
    ("/", "GET"): ALL,
    ("/api/v1/assist", "POST"): KIOSK,
    ("/api/v1/assist", "GET"): STAFF,
    ("/api/v1/assist/<rid>/ack", "POST"): STAFF,
    ("/api/v1/assist/<rid>/resolve", "POST"): STAFF,
    ("/api/v1/cameras/<camera_id>/config", "GET"): frozenset({"camera_a"}),
    ("/api/v1/cameras/<camera_id>/events", "POST"): frozenset({"camera_a"}),
    ("/api/v1/cameras/<camera_id>/heartbeat", "POST"): frozenset({"camera_a"}),
    ("/api/v1/cameras/<camera_id>/status", "GET"): frozenset({"camera_a", "manager"}),
    ("/api/v1/checkout/transactions", "GET"): STAFF,
    ("/api/v1/checkout/transactions", "POST"): frozenset(),  # API tokens only (none in this matrix)
    ("/api/v1/counters", "GET"): STAFF,
    ("/api/v1/counters/<counter_id>", "POST"): STAFF,
    ("/api/v1/kiosk/checkout", "GET"): ALL,
    ("/api/v1/kiosk/content/<zone_id>", "GET"): ALL,
    ("/api/v1/kiosk/engagement", "POST"): KIOSK,
    ("/api/v1/kiosk/engagement", "GET"): MANAGER,
    ("/api/v1/kiosk/heartbeat", "POST"): KIOSK,
    ("/api/v1/kiosk/status", "GET"): STAFF,
    ("/api/v1/kiosk/subsidy", "POST"): ALL,
    ("/api/v1/kiosks", "GET"): MANAGER,
    ("/api/v1/kiosks", "POST"): MANAGER,
    ("/api/v1/kiosks/<kiosk>/retire", "POST"): MANAGER,
    ("/api/v1/mall", "GET"): ALL,
    ("/api/v1/manager/alerts", "GET"): MANAGER,
    ("/api/v1/manager/alerts/<path:alert_id>/ack", "POST"): MANAGER,
    ("/api/v1/manager/cameras", "GET"): MANAGER,
    ("/api/v1/manager/corrections", "GET"): MANAGER,
    ("/api/v1/manager/content/<zone>", "GET"): MANAGER,
    ("/api/v1/manager/content/<zone>", "PUT"): MANAGER,
    ("/api/v1/manager/content/<zone>/preview", "POST"): MANAGER,
    ("/api/v1/manager/content/<zone>/revert/<history_id>", "POST"): MANAGER,
    ("/api/v1/manager/content/<zone>/schedules", "POST"): MANAGER,
    ("/api/v1/manager/content/<zone>/schedules/<sid>", "DELETE"): MANAGER,
    ("/api/v1/manager/export/options", "GET"): MANAGER,
    ("/api/v1/manager/report", "GET"): MANAGER,
    ("/api/v1/manager/report.csv", "GET"): MANAGER,
    ("/api/v1/manager/export", "GET"): MANAGER,
    ("/api/v1/manager/export.csv", "GET"): MANAGER,
    ("/api/v1/manager/footfall", "GET"): MANAGER,
    ("/api/v1/manager/sparklines", "GET"): MANAGER,
    ("/api/v1/manager/zones", "GET"): MANAGER,
    ("/api/v1/manager/zones/<zone_id>", "GET"): MANAGER,
    ("/api/v1/openapi.json", "GET"): ALL,
    ("/api/v1/session", "GET"): ALL,
    ("/api/v1/session/logout-all", "POST"): STAFF,
    ("/api/v1/session/password", "POST"): STAFF,
    ("/api/v1/staffing", "GET"): MANAGER,
    ("/api/v1/staffing/accept", "POST"): MANAGER,
    ("/api/v1/staffing/decisions", "GET"): MANAGER,
    ("/api/v1/staffing/dismiss", "POST"): MANAGER,
    ("/api/v1/staffing/what-if", "GET"): MANAGER,
    ("/api/v1/zones", "GET"): ALL,
    ("/api/v1/zones/<zone_id>/occupancy", "POST"): MANAGER,
    ("/api/v1/quarantine", "GET"): MANAGER,
    ("/healthz", "GET"): ALL,
    ("/readyz", "GET"): ALL,
    ("/metrics", "GET"): ALL,  # loopback only (see server/health.py)
    ("/kiosk/", "GET"): ALL,
    ("/kiosk/<zone_id>", "GET"): ALL,
    ("/kiosk/sw.js", "GET"): ALL,
    ("/login", "GET"): ALL,
    ("/login", "POST"): ALL,
    ("/logout", "GET"): ALL,
    ("/logout", "POST"): ALL,
    ("/manager", "GET"): STAFF,
    ("/static/<path:filename>", "GET"): ALL,
    ("/vendor/<name>", "GET"): ALL,
}

PATH_VALUES = {"camera_id": CAM_A, "counter_id": "C01", "zone_id": "fridges", "alert_id": "zone-full:fridges",
               "filename": "common/base.css", "name": "socket.io.esm.min.js"}


def _url(rule: str, rid: str) -> str:
    url = rule
    for key, value in {**PATH_VALUES, "rid": rid}.items():
        url = url.replace(f"<{key}>", value).replace(f"<path:{key}>", value)
    return url


def _identities(app, r):  # type: ignore[no-untyped-def]
    tokens = app.extensions["services"].camera_tokens
    clients = {}
    for who in ("anonymous", "kiosk", "camera_a", "camera_b"):
        clients[who] = (app.test_client(), {})
    clients["camera_a"][1]["Authorization"] = f"Bearer {tokens.issue(CAM_A)}"
    clients["camera_b"][1]["Authorization"] = f"Bearer {tokens.issue(CAM_B)}"
    clients["kiosk"][1][HEADER] = enrol_kiosk(r, app.extensions["services"].keys.prefix, "k-kiosk", "fridges")
    for role in ("staff", "manager"):
        user, pw = make_user(r, f"{role}1", role, prefix=app.extensions["services"].keys.prefix)
        c = app.test_client()
        assert c.post("/login", data={"username": user, "password": pw}).status_code == 302
        clients[role] = (c, {"X-CSRF-Token": c.get("/api/v1/session").json["csrf"]})
    return clients


def refused(res) -> bool:  # type: ignore[no-untyped-def]
    if res.status_code in (401, 403):
        return True
    path = res.request.path
    return res.status_code in (302, 303) and "/login" in res.headers.get("Location", "") and path not in ("/logout", "/login")


def test_every_http_route_has_a_policy_and_follows_it(app, r) -> None:  # type: ignore[no-untyped-def]
    rules = {(rule.rule, m) for rule in app.url_map.iter_rules() for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert rules - set(POLICY) == set(), "routes without an authorization policy"
    clients = _identities(app, r)
    caller = {HEADER: enrol_kiosk(r, app.extensions["services"].keys.prefix, "fridges-k1", "fridges")}
    res = clients["anonymous"][0].post("/api/v1/assist", json={"zone": "fridges", "kiosk": "fridges-k1", "reason": "other"},
                                       headers=caller)
    rid = str(res.json.get("id", "x")) if res.is_json else "x"
    failures = []
    # logging out ends the session the later checks need, so it goes last
    ends_session = ("/api/v1/session/logout-all", "/logout")
    for (rule, method), allowed in sorted(POLICY.items(), key=lambda kv: (kv[0][0] in ends_session, kv[0])):
        if (rule, method) not in rules:
            continue
        for who, (client, headers) in clients.items():
            url = _url(rule, rid)
            body = {"events": [ev(1)]} if "events" in rule else {"zone": "fridges", "kiosk": "k-" + who.replace("_", "-"),
                                                                  "reason": "other"}
            res = client.open(url, method=method, headers=headers, json=body if method == "POST" else None)
            if res.status_code >= 500:
                failures.append(f"{method} {url} as {who}: {res.status_code}")
            elif (who in allowed) == refused(res):
                failures.append(f"{method} {url} as {who}: {res.status_code} ({'refused' if refused(res) else 'allowed'}; "
                                f"policy says {'allow' if who in allowed else 'refuse'})")
    assert failures == [], "\n".join(failures)


def test_manager_data_never_reaches_kiosks_or_cameras(app, r) -> None:  # type: ignore[no-untyped-def]
    """Public payloads carry crowd levels only: no entries, exits, cameras, corrections or staffing detail."""
    clients = _identities(app, r)
    for who in ("anonymous", "kiosk", "camera_a"):
        client, headers = clients[who]
        for url in ("/api/v1/zones", "/api/v1/mall", "/api/v1/kiosk/checkout"):
            text = client.get(url, headers=headers).get_data(as_text=True)
            for secret in ('"in_15m"', '"in_today"', '"cameras"', '"corrections"', '"explanation"', '"token"'):
                assert secret not in text, (who, url, secret)


@pytest.fixture
def sockets(live: ServerProcess, r, tokens):  # type: ignore[no-untyped-def]
    import requests

    made = {}
    cookies = {}
    for role in ("staff", "manager"):
        user, pw = make_user(r, f"sock-{role}", role)
        s = requests.Session()
        s.post(live.url + "/login", data={"username": user, "password": pw}, allow_redirects=False, timeout=5)
        cookies[role] = "; ".join(f"{c.name}={c.value}" for c in s.cookies)
    cam_tok = {"camera_a": tokens.issue(CAM_A), "camera_b": tokens.issue(CAM_B)}
    for who in sorted(ALL):
        q: queue.Queue = queue.Queue()
        c = socketio.Client(reconnection=False)
        for event in ("zone", "crowd", "zones", "cameras", "staffing", "assist", "alert", "checkout"):
            c.on(event, lambda p, e=event, q=q: q.put(e))
        headers = {"Cookie": cookies[who]} if who in cookies else {}
        if who in cam_tok:
            headers["Authorization"] = f"Bearer {cam_tok[who]}"
        kiosk_auth = {"kiosk_token": enrol_kiosk(r, "t:", "k-kiosk", "fridges")} if who == "kiosk" else None
        c.connect(live.url, transports=["websocket"], headers=headers, auth=kiosk_auth)
        made[who] = (c, q)
    yield made, cam_tok
    for c, _ in made.values():
        c.disconnect()


def test_socket_events_and_rooms(live: ServerProcess, sockets, r) -> None:  # type: ignore[no-untyped-def]
    import requests

    made, cam_tok = sockets
    caller = {HEADER: enrol_kiosk(r, "t:", "k-room-test", "fridges")}
    for who, (c, _) in made.items():
        if who == "kiosk":  # an enrolled kiosk joins its own room
            assert c.call("subscribe", {"zone": "fridges", "kiosk": "k-kiosk"}, timeout=5)["ok"] is True
        else:  # nobody else may join a kiosk's room (its requests and the staff names); the zone stays public
            ack = c.call("subscribe", {"zone": "fridges", "kiosk": "k-room-test"}, timeout=5)
            assert ack == {"ok": False, "error": "kiosk_not_enrolled", "field": "kiosk"}, (who, ack)
            assert c.call("subscribe", {"zone": "fridges"}, timeout=5)["ok"] is True
        ack = c.call("subscribe_managers", {}, timeout=5)
        assert ack["ok"] is (who in STAFF), (who, ack)
    for who, (c, _) in made.items():  # counters change over the socket only for staff and managers
        ack = c.call("set_counter", {"counter": "C16", "state": "closed", "reason": "matrix"}, timeout=5)
        assert (ack.get("ok") is True) is (who in STAFF) or (who in STAFF and ack.get("error") in ("min_open",)), (who, ack)
    time.sleep(0.5)
    for _, q in made.values():
        while not q.empty():
            q.get()
    requests.post(f"{live.url}/api/v1/cameras/{CAM_A}/events", json={"events": [ev(1, 2, 0)]}, headers=auth(cam_tok["camera_a"]),
                  timeout=5)
    res = requests.post(live.url + "/api/v1/assist", json={"zone": "fridges", "kiosk": "k-room-test", "reason": "other"},
                        headers=caller, timeout=5)
    assert res.status_code == 201, res.text
    got: dict[str, set[str]] = {who: set() for who in made}

    def everything_allowed_arrived() -> bool:
        for who, (_, q) in made.items():
            got[who] |= set(_drain(q))
        return all("zone" in got[w] and ("zones" in got[w]) is (w == "manager") and ("assist" in got[w]) is (w in STAFF)
                   for w in made)

    wait_for(everything_allowed_arrived, 10, what="every audience's events")
    time.sleep(0.5)  # anything sent where it must not go would have arrived by now too
    for who, (_, q) in made.items():
        got[who] |= set(_drain(q))
    for who, events in got.items():
        assert "zone" in events, (who, events)  # everyone subscribed to the zone room
        assert ("zones" in events) is (who == "manager"), (who, events)  # manager data: managers only
        assert ("assist" in events) is (who in STAFF), (who, events)  # assistance requests: staff and managers


def _drain(q: queue.Queue) -> list[str]:
    out = []
    while not q.empty():
        out.append(q.get())
    return out
