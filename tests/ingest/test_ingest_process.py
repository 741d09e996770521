"""The camera-only process (`python -m server.ingest`, granian) beside a full web process on one Redis: the same
camera rules as the full server, and its batches reach kiosk sockets of the web process through the queue."""

from __future__ import annotations

import queue
from collections.abc import Iterator

import pytest
import redis
import requests

from server.ingest.tokens import CameraTokens
from server.store.keys import Keys
from tests.conftest import ServerProcess, ingest_process
from tests.helpers import auth, ev
from tests.live.test_rooms import kiosk_client, wait_for

CAM, ZONE, OTHER = "cam-smart-kitchen-1", "smart-kitchen", "cam-fridges-1"
PREFIX = "ingestproc:"


@pytest.fixture(scope="module")
def pair(redis_url: str) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    redis.Redis.from_url(redis_url).delete(*(redis.Redis.from_url(redis_url).keys(PREFIX + "*") or ["-"]))
    web = ServerProcess(redis_url, prefix=PREFIX, STAFFING_ENGINE="0").start()
    ingest = ingest_process(redis_url, PREFIX).start()
    yield web, ingest
    ingest.kill()
    web.kill()


@pytest.fixture(scope="module")
def cam_tokens(redis_url: str) -> CameraTokens:
    return CameraTokens(redis.Redis.from_url(redis_url, decode_responses=True), Keys(PREFIX))


def test_a_batch_on_the_ingest_process_reaches_a_kiosk_of_the_web_process(pair, cam_tokens) -> None:  # type: ignore[no-untyped-def]
    web, ingest = pair
    tok = cam_tokens.issue(CAM)
    events: queue.Queue = queue.Queue()
    sio = kiosk_client(web.url, ZONE, events)
    try:
        assert sio.call("subscribe", {"zone": ZONE}, timeout=5) == {"ok": True}
        _, snap = wait_for(events, "zone", lambda p: p["zone"] == ZONE)
        res = requests.post(f"{ingest.url}/api/v1/cameras/{CAM}/events", json={"events": [ev(1, 3, 0)]}, headers=auth(tok), timeout=5)
        assert res.status_code == 200, res.text
        assert res.json()["applied"] == 1 and res.json()["occupancy"] == snap["occupancy"] + 3
        wait_for(events, "zone", lambda p: p["zone"] == ZONE and p["occupancy"] == snap["occupancy"] + 3, timeout=5)
        # the same batch again (a camera retrying) is a duplicate, on either process
        again = requests.post(f"{web.url}/api/v1/cameras/{CAM}/events", json={"events": [ev(1, 3, 0)]}, headers=auth(tok), timeout=5)
        assert again.json()["applied"] == 0 and again.json()["duplicates"] == 1
    finally:
        sio.disconnect()


def test_the_ingest_process_serves_camera_routes_only(pair, cam_tokens) -> None:  # type: ignore[no-untyped-def]
    _, ingest = pair
    tok = cam_tokens.issue(CAM)
    assert requests.get(f"{ingest.url}/api/v1/cameras/{CAM}/config", headers=auth(tok), timeout=5).json()["zone"] == ZONE
    hb = requests.post(f"{ingest.url}/api/v1/cameras/{CAM}/heartbeat", headers=auth(tok), timeout=5,
                       json={"fps": 7.0, "dropped_frames": 0, "spool_depth": 0, "version": "test"})
    assert hb.status_code == 200, hb.text
    for path in ("/api/v1/staffing", "/api/v1/kiosk/checkout", "/manager", "/api/v1/session"):
        res = requests.get(ingest.url + path, timeout=5)
        assert res.status_code == 404, path
    assert requests.get(ingest.url + "/api/v1/staffing", timeout=5).json()["error"] == "not_found"
    assert requests.get(ingest.url + "/healthz", timeout=5).headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("which", ["web", "ingest"])
def test_camera_rules_are_the_same_on_both_processes(pair, cam_tokens, which: str) -> None:  # type: ignore[no-untyped-def]
    url = pair[0].url if which == "web" else pair[1].url
    mine, other = cam_tokens.issue(CAM), cam_tokens.issue(OTHER)
    post = lambda body, headers: requests.post(f"{url}/api/v1/cameras/{CAM}/events", json=body, headers=headers, timeout=5)  # noqa: E731
    good = {"events": [ev(1000, 1, 0)]}
    assert post(good, {}).status_code == 401
    assert post(good, auth("cam_not-a-token")).json()["field"] == "Authorization"
    res = post(good, auth(other))
    assert res.status_code == 403 and res.json()["field"] == "camera_id"
    # a bad body with a bad token is a 401: callers without the camera's token learn nothing about bodies
    bad_body = {"events": [{"seq": "x"}]}
    assert post(bad_body, auth("cam_not-a-token")).status_code == 401
    res = post(bad_body, auth(mine))
    assert res.status_code == 422 and res.json()["path"][:2] == ["events", 0]
    nested = requests.post(f"{url}/api/v1/cameras/{CAM}/events", data="[" * 40 + "]" * 40, timeout=5,
                           headers={**auth(mine), "Content-Type": "application/json"})
    assert nested.status_code == 400 and nested.json()["error"] == "too_deep"


def test_a_revoked_token_writes_nothing(pair, cam_tokens, redis_url: str) -> None:  # type: ignore[no-untyped-def]
    """The apply script checks the token itself: the batch after a revocation is refused and nothing is stored."""
    _, ingest = pair
    r = redis.Redis.from_url(redis_url, decode_responses=True)
    tok = cam_tokens.issue(OTHER)
    ok = requests.post(f"{ingest.url}/api/v1/cameras/{OTHER}/events", json={"events": [ev(1, 2, 0)]}, headers=auth(tok), timeout=5)
    assert ok.status_code == 200, ok.text
    before = r.hget(Keys(PREFIX).occupancy, "fridges")
    cam_tokens.revoke(OTHER)
    res = requests.post(f"{ingest.url}/api/v1/cameras/{OTHER}/events", json={"events": [ev(2, 5, 0)]}, headers=auth(tok), timeout=5)
    assert res.status_code == 401 and res.json()["field"] == "Authorization"
    assert r.hget(Keys(PREFIX).occupancy, "fridges") == before
    assert r.hget(Keys(PREFIX).stream_state(OTHER, "default"), "max") == "1"


@pytest.mark.parametrize("which", ["web", "ingest"])
def test_bad_requests_get_the_same_json_errors_on_both_processes(pair, cam_tokens, which: str) -> None:  # type: ignore[no-untyped-def]
    url = (pair[0].url if which == "web" else pair[1].url) + f"/api/v1/cameras/{CAM}/events"
    hdr = auth(cam_tokens.issue(CAM))
    wrong_method = requests.get(url, headers=hdr, timeout=5)
    assert wrong_method.status_code == 405 and "POST" in wrong_method.headers["Allow"]
    assert wrong_method.json()["error"] == "method_not_allowed"
    as_text = requests.post(url, data='{"events": []}', headers={**hdr, "Content-Type": "text/plain"}, timeout=5)
    assert as_text.status_code == 415 and as_text.json()["field"] == "Content-Type"
    broken = requests.post(url, data='{"events": [', headers={**hdr, "Content-Type": "application/json"}, timeout=5)
    assert broken.status_code == 400 and broken.json()["error"] == "malformed_json"
    huge = requests.post(url, data=b"[" + b"1," * 200_000 + b"1]", headers={**hdr, "Content-Type": "application/json"}, timeout=5)
    assert huge.status_code == 413 and huge.json()["field"] == "body"
    not_object = requests.post(url, json=[1, 2], headers=hdr, timeout=5)
    assert not_object.status_code == 422 and not_object.json()["field"] == "body"


def test_the_ingest_process_reports_readiness_and_its_own_metrics(pair, cam_tokens) -> None:  # type: ignore[no-untyped-def]
    _, ingest = pair
    assert requests.get(ingest.url + "/readyz", timeout=5).json() == {"ok": True, "redis": True}
    tok = cam_tokens.issue(CAM)
    for seq in (5000, 5001):
        requests.post(f"{ingest.url}/api/v1/cameras/{CAM}/events", json={"events": [ev(seq, 1, 1)]}, headers=auth(tok), timeout=5)
    text = requests.get(ingest.url + "/metrics", timeout=5).text
    batches = next(float(ln.split()[-1]) for ln in text.splitlines() if ln.startswith("ingest_batches_total"))
    assert batches >= 2
    assert requests.post(ingest.url + "/healthz", timeout=5).status_code == 405
