"""Token matrix and a table of malformed requests: each gets the right 4xx, a JSON error naming the
problem, and nothing already stored changes."""

from __future__ import annotations

import json
import time

import pytest
import redis

from tests.helpers import auth, ev

CAM, OTHER = "cam-fridges-1", "cam-dishwashers-1"


@pytest.fixture
def tokens(svc):  # type: ignore[no-untyped-def]
    """Camera tokens of the in-process app (its own key prefix)."""
    return svc.camera_tokens


def snapshot(r: redis.Redis, prefix: str) -> dict[str, object]:
    """A full dump of everything under the test's own prefix (no background engine writes there)."""
    out = {}
    for k in sorted(r.keys(prefix + "*")):
        t = r.type(k)
        out[k] = (t, r.hgetall(k) if t == "hash" else r.lrange(k, 0, -1) if t == "list"
                  else r.zrange(k, 0, -1, withscores=True) if t == "zset" else r.get(k) if t == "string" else None)
    return out


@pytest.fixture
def seeded(client, tokens, r):  # type: ignore[no-untyped-def]
    tok, other = tokens.issue(CAM), tokens.issue(OTHER)
    assert client.post(f"/api/v1/cameras/{CAM}/events", json={"events": [ev(1, 3, 1)]}, headers=auth(tok)).status_code == 200
    return tok, other


def test_token_matrix(client, seeded, r, prefix) -> None:  # type: ignore[no-untyped-def]
    tok, other = seeded
    before = snapshot(r, prefix)
    body = {"events": [ev(2)]}
    url = f"/api/v1/cameras/{CAM}/events"
    cases = [
        ({}, 401, "Authorization"),
        ({"Authorization": "Bearer "}, 401, "Authorization"),
        ({"Authorization": "Basic abc"}, 401, "Authorization"),
        ({"Authorization": "Bearer cam_wrong"}, 401, "Authorization"),
        (auth(other), 403, "camera_id"),  # another camera's token
    ]
    for headers, status, field in cases:
        res = client.post(url, json=body, headers=headers)
        assert res.status_code == status, (headers, res.json)
        assert res.json["field"] == field and res.json["error"] and res.json["detail"]
    # own token, but an event claiming another camera's zone
    res = client.post(url, json={"events": [ev(2, zone="dishwashers")]}, headers=auth(tok))
    assert res.status_code == 403 and res.json["field"] == "events[0].zone"
    assert snapshot(r, prefix) == before
    # a rotated token stops working at once
    tokens = client.application.extensions["services"].camera_tokens
    tokens.issue(CAM)
    assert client.post(url, json=body, headers=auth(tok)).status_code == 401
    for path in ("heartbeat", "config", "status"):
        method = client.post if path == "heartbeat" else client.get
        assert method(f"/api/v1/cameras/{CAM}/{path}", json={}, headers=auth(other)).status_code == 403


NOW = time.time()
GOOD = {"seq": 2, "time": NOW, "in": 1, "out": 0}

MALFORMED = [
    # (name, raw body or json, content type, expected status, expected field)
    ("not json", b"{not json", "application/json", 400, "body"),
    ("empty body", b"", "application/json", 400, "body"),
    ("form encoded", b"a=1", "application/x-www-form-urlencoded", 415, "Content-Type"),
    ("text plain", b'{"events": []}', "text/plain", 415, "Content-Type"),
    ("array body", [GOOD], None, 422, "body"),
    ("string body", "hello", None, 422, "body"),
    ("no events", {}, None, 422, "events"),
    ("events empty", {"events": []}, None, 422, "events"),
    ("events not list", {"events": {"seq": 1}}, None, 422, "events"),
    ("unknown top field", {"events": [GOOD], "zone": "x"}, None, 422, "zone"),
    ("bad stream", {"stream": "../../etc", "events": [GOOD]}, None, 422, "stream"),
    ("missing seq", {"events": [{k: v for k, v in GOOD.items() if k != "seq"}]}, None, 422, "events[0].seq"),
    ("seq zero", {"events": [dict(GOOD, seq=0)]}, None, 422, "events[0].seq"),
    ("seq negative", {"events": [dict(GOOD, seq=-4)]}, None, 422, "events[0].seq"),
    ("seq string", {"events": [dict(GOOD, seq="2")]}, None, 422, "events[0].seq"),
    ("seq float", {"events": [dict(GOOD, seq=2.5)]}, None, 422, "events[0].seq"),
    ("seq bool", {"events": [dict(GOOD, seq=True)]}, None, 422, "events[0].seq"),
    ("seq huge", {"events": [dict(GOOD, seq=2**70)]}, None, 422, "events[0].seq"),
    ("time string", {"events": [dict(GOOD, time="yesterday")]}, None, 422, "events[0].time"),
    ("time missing", {"events": [{k: v for k, v in GOOD.items() if k != "time"}]}, None, 422, "events[0].time"),
    ("time far future", {"events": [dict(GOOD, time=NOW + 86400)]}, None, 422, "events[0].time"),
    ("time too old", {"events": [dict(GOOD, time=NOW - 3 * 86400)]}, None, 422, "events[0].time"),
    ("time NaN", b'{"events": [{"seq": 2, "time": NaN, "in": 1, "out": 0}]}', "application/json", 422, "events[0].time"),
    ("in negative", {"events": [dict(GOOD, **{"in": -1})]}, None, 422, "events[0].in"),
    ("out huge", {"events": [dict(GOOD, out=10**9)]}, None, 422, "events[0].out"),
    ("in missing", {"events": [{k: v for k, v in GOOD.items() if k != "in"}]}, None, 422, "events[0].in"),
    ("occupancy negative", {"events": [dict(GOOD, occupancy=-3)]}, None, 422, "events[0].occupancy"),
    ("unknown event field", {"events": [dict(GOOD, face="jpeg")]}, None, 422, "events[0].face"),
    ("second event bad", {"events": [GOOD, dict(GOOD, seq=3, out="x")]}, None, 422, "events[1].out"),
    ("too many events", {"events": [dict(GOOD, seq=i) for i in range(2, 1003)]}, None, 413, "events"),
    ("body too large", {"events": [dict(GOOD, pad="x" * 300_000)]}, None, 413, "body"),
]


@pytest.mark.parametrize("name,body,ctype,status,field", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_batches_are_refused_and_store_nothing(client, seeded, r, prefix, name, body, ctype, status, field) -> None:  # type: ignore[no-untyped-def]
    tok, _ = seeded
    before = snapshot(r, prefix)
    url = f"/api/v1/cameras/{CAM}/events"
    if ctype is None:
        res = client.post(url, data=json.dumps(body), content_type="application/json", headers=auth(tok))
    else:
        res = client.post(url, data=body, content_type=ctype, headers=auth(tok))
    assert res.status_code == status, res.get_data(as_text=True)
    assert res.is_json and set(res.json) == {"error", "detail", "field", "path"}
    assert res.json["field"] == field, res.json
    assert snapshot(r, prefix) == before


HEARTBEAT_BAD = [
    ({"fps": -1, "dropped_frames": 0, "spool_depth": 0, "version": "1"}, "fps"),
    ({"fps": 10, "dropped_frames": "many", "spool_depth": 0, "version": "1"}, "dropped_frames"),
    ({"fps": 10, "dropped_frames": 0, "spool_depth": 0}, "version"),
    ({"fps": 10, "dropped_frames": 0, "spool_depth": -5, "version": "1"}, "spool_depth"),
]


@pytest.mark.parametrize("body,field", HEARTBEAT_BAD)
def test_malformed_heartbeats(client, seeded, r, prefix, body, field) -> None:  # type: ignore[no-untyped-def]
    tok, _ = seeded
    before = snapshot(r, prefix)
    res = client.post(f"/api/v1/cameras/{CAM}/heartbeat", json=body, headers=auth(tok))
    assert res.status_code == 422 and res.json["field"] == field
    assert snapshot(r, prefix) == before


def test_unknown_routes_and_methods_answer_json(client, seeded) -> None:  # type: ignore[no-untyped-def]
    tok, _ = seeded
    res = client.get(f"/api/v1/cameras/{CAM}/events", headers=auth(tok))
    assert res.status_code == 405 and res.json["error"] == "method_not_allowed"
    res = client.get("/api/v1/nothing-here")
    assert res.status_code == 404 and res.json["error"] == "not_found"
    res = client.post("/api/v1/cameras/no-such-cam/events", json={"events": [GOOD]}, headers=auth(tok))
    assert res.status_code == 403  # a valid token for another camera id is refused, never a 500
