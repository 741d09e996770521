"""Redis stalled (SIGSTOP) for 8 s under camera, kiosk and manager traffic: every write takes effect once.

A request in flight during the stall may answer 503 (its write then lands when Redis resumes, once) or 2xx;
it never takes effect twice, and never answers as if it had collided with itself (429 already_open).
"""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import pytest
import redis
import requests

from core.mall.loader import load_mall
from server.kiosk.enrol import HEADER
from server.redis_server import free_port
from tests.conftest import ServerProcess, login, make_user
from tests.helpers import enrol_kiosk
from tests.reliability.harness import CountingCamera, KillableRedis
from tests.reliability.test_faults import CAM, stored, token_for

STALL_SECONDS = 8
TIMEOUT = 30


@pytest.fixture
def own_redis(tmp_path: Path):  # type: ignore[no-untyped-def]
    kr = KillableRedis(free_port(), tmp_path / "redis").start()
    yield kr
    if kr.proc and kr.proc.poll() is None:
        kr.proc.send_signal(signal.SIGCONT)
    kr.stop()


def test_redis_stalled_8s_every_write_once(own_redis: KillableRedis, tmp_path: Path) -> None:
    tok = token_for(own_redis.url)
    r = redis.Redis.from_url(own_redis.url, decode_responses=True)
    user, pw = make_user(r, "stall-boss")
    server = ServerProcess(own_redis.url).start()
    manager = login(server.url, user, pw)
    manager.headers["X-CSRF-Token"] = manager.get(server.url + "/api/v1/session", timeout=5).json()["csrf"]
    zones = [z.id for z in load_mall(None).zones][:12]
    kiosks = [f"stall-k{i}" for i in range(6)]
    cam = CountingCamera(server.url, CAM, tok, tmp_path / "spool.sqlite").start()
    results: dict[tuple[str, str], int] = {}
    lock = threading.Lock()

    kiosk_auth = {z: {HEADER: enrol_kiosk(r, "t:", f"stall-{z}", z)} for z in zones}  # enrolled kiosks only
    kiosk_auth.update({k: {HEADER: enrol_kiosk(r, "t:", k, zones[0])} for k in kiosks})

    def send(kind: str, key: str, method: str, path: str, body: dict, session: requests.Session | None = None) -> None:
        try:
            res = (session or requests).request(method, server.url + path, json=body, timeout=TIMEOUT,
                                                headers=kiosk_auth.get(key))
            code = res.status_code
        except requests.RequestException:
            code = -1
        with lock:
            results[(kind, key)] = code

    try:
        time.sleep(1.5)
        assert stored(own_redis.url) > 10
        own_redis.proc.send_signal(signal.SIGSTOP)  # type: ignore[union-attr]
        threads = [threading.Thread(target=send, args=("engagement", z, "POST", "/api/v1/kiosk/engagement",
                                                         {"zone": z, "sessions": 1, "session_ms": 1000, "taps": {}}))
                   for z in zones]
        threads += [threading.Thread(target=send, args=("assist", k, "POST", "/api/v1/assist",
                                                         {"zone": zones[0], "kiosk": k, "reason": "other"}))
                    for k in kiosks]
        threads += [threading.Thread(target=send, args=("counter", "C05", "POST", "/api/v1/counters/C05",
                                                         {"state": "open", "reason": "stall test"}, manager))]
        for t in threads:
            t.start()
            time.sleep(0.05)
        time.sleep(STALL_SECONDS - 0.05 * len(threads))
        own_redis.proc.send_signal(signal.SIGCONT)  # type: ignore[union-attr]
        for t in threads:
            t.join(TIMEOUT + 5)
        counted = cam.stop_counting()
        assert cam.wait_delivered(40), "camera spool did not drain after the stall"
        assert stored(own_redis.url) == counted  # camera: nothing lost, nothing twice
    finally:
        cam.close()
        server.kill()
    assert len(results) == len(zones) + len(kiosks) + 1
    assert all(code in (200, 201, 202, 503) for code in results.values()), results

    # engagement: each zone got one POST of sessions=1, so its count is 0 or 1, and 1 whenever 202 was answered
    day = time.strftime("%Y-%m-%d")
    eng = {}
    for key in r.scan_iter("t:kiosk:eng:*"):
        if key.endswith(":zones"):
            continue
        eng[key.rsplit(":", 1)[1]] = int(r.hget(key, "sessions") or 0)
    for z in zones:
        assert eng.get(z, 0) <= 1, f"engagement for {z} applied {eng.get(z)} times (answered {results[('engagement', z)]})"
        if results[("engagement", z)] == 202:
            assert eng.get(z) == 1, (z, day, eng)
    # assistance: one request per kiosk at most, present whenever 201 was answered
    for k in kiosks:
        ids = [i for i in r.zrange("t:assist:all", 0, -1) if r.hget(f"t:assist:req:{i}", "kiosk") == k]
        assert len(ids) <= 1, (k, ids)
        if results[("assist", k)] == 201:
            assert len(ids) == 1, (k, results)
