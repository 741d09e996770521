"""Faults with real processes; afterwards Redis holds exactly what the cameras counted."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import redis
import requests
import socketio

from camera.push import Pusher
from camera.spool import Spool
from server.ingest.tokens import CameraTokens
from server.redis_server import free_port
from server.store.keys import Keys
from tests.conftest import ROOT, ServerProcess
from tests.helpers import wait_for
from tests.reliability.harness import CountingCamera, KillableRedis, Proxy

CAM, ZONE = "cam-phones-flagship-1", "phones-flagship"


def stored(redis_url: str) -> int:
    """People (entries and exits) applied for the zone today, read straight from the hour buckets; each event
    of a CountingCamera is one person, so this equals the events it counted."""
    r = redis.Redis.from_url(redis_url, decode_responses=True)
    total = 0
    for k in r.scan_iter(f"t:h:{ZONE}:*"):
        total += sum(int(v) for f, v in r.hgetall(k).items() if f.startswith(("i", "o")))
    return total


@pytest.fixture
def own_redis(tmp_path: Path):  # type: ignore[no-untyped-def]
    kr = KillableRedis(free_port(), tmp_path / "redis").start()
    yield kr
    kr.stop()


def token_for(redis_url: str) -> str:
    return CameraTokens(redis.Redis.from_url(redis_url, decode_responses=True), Keys("t:")).issue(CAM)


def test_redis_killed_and_restarted_mid_stream(own_redis: KillableRedis, tmp_path: Path) -> None:
    tok = token_for(own_redis.url)
    server = ServerProcess(own_redis.url).start()
    cam = CountingCamera(server.url, CAM, tok, tmp_path / "spool.sqlite").start()
    try:
        wait_for(lambda: stored(own_redis.url) > 20, 10, what="counts stored before the kill")
        own_redis.kill()  # SIGKILL: no shutdown, no final fsync
        time.sleep(3)
        probe = {"stream": "probe", "events": [{"seq": 1, "time": time.time(), "in": 1, "out": 0}]}
        res = requests.post(f"{server.url}/api/v1/cameras/{CAM}/events", json=probe, headers={"Authorization": f"Bearer {tok}"},
                            timeout=10)
        assert res.status_code == 503 and res.json()["error"] == "unavailable"  # never a 500 while Redis is away
        assert requests.get(server.url + "/readyz", timeout=10).status_code == 503
        own_redis.start()  # same port, same AOF
        at_restart = cam.spool.last_seq()
        # the camera keeps counting until what it counted after the restart has been stored too
        wait_for(lambda: stored(own_redis.url) > at_restart + 20, 20, what="counts after the restart stored")
        counted = cam.stop_counting()
        assert cam.wait_delivered(30)
        assert stored(own_redis.url) == counted
        assert requests.get(server.url + "/readyz", timeout=10).status_code == 200
        # the live path came back too: a socket still gets zone updates after the restart
        events: queue.Queue = queue.Queue()
        sio = socketio.Client(reconnection=False)
        sio.on("zone", events.put)
        sio.connect(server.url, transports=["websocket"])
        sio.call("subscribe", {"zone": ZONE}, timeout=5)
        events.get(timeout=5)  # snapshot
        other = Spool(tmp_path / "other.sqlite")
        other.append(time.time(), 1, 0)
        assert Pusher(server.url, CAM, tok, other).drain(time.monotonic() + 10)
        got = events.get(timeout=5)
        assert got["zone"] == ZONE
        sio.disconnect()
    finally:
        cam.close()
        server.kill()


def test_web_server_sigkilled_and_restarted(own_redis: KillableRedis, tmp_path: Path) -> None:
    tok = token_for(own_redis.url)
    server = ServerProcess(own_redis.url).start()
    cam = CountingCamera(server.url, CAM, tok, tmp_path / "spool.sqlite").start()
    try:
        wait_for(lambda: stored(own_redis.url) > 20, 10, what="counts stored before the kill")
        server.kill(signal.SIGKILL)
        # counts wait in the spool while the server is gone
        wait_for(lambda: cam.spool.depth() > 50, 10, what="counts spooled while the server is gone")
        server = ServerProcess(own_redis.url, port=server.port).start()
        at_restart = cam.spool.last_seq()
        wait_for(lambda: stored(own_redis.url) > at_restart + 20, 20, what="counts after the restart stored")
        counted = cam.stop_counting()
        assert cam.wait_delivered(30)
        assert stored(own_redis.url) == counted
    finally:
        cam.close()
        server.kill()


def test_camera_cut_off_from_the_server_for_60_seconds(own_redis: KillableRedis, tmp_path: Path) -> None:
    tok = token_for(own_redis.url)
    server = ServerProcess(own_redis.url).start()
    proxy = Proxy(free_port(), server.port).start()
    cam = CountingCamera(f"http://127.0.0.1:{proxy.listen_port}", CAM, tok, tmp_path / "spool.sqlite", period=0.05).start()
    try:
        wait_for(lambda: stored(own_redis.url) > 20, 10, what="counts stored before the cut")
        proxy.cut()
        time.sleep(1)  # a request already past the proxy may still land
        before = stored(own_redis.url)
        at_cut = cam.spool.last_seq()  # what the camera counts from here on cannot get through
        time.sleep(59)
        assert stored(own_redis.url) == before  # nothing got through the cut
        # everything counted during the cut is kept (~20 events/s; fewer when the machine is busy)
        during = cam.spool.last_seq() - at_cut
        assert during >= 600 and cam.spool.depth() >= during, (during, cam.spool.depth())
        proxy.restore()
        wait_for(lambda: stored(own_redis.url) > before, 20, what="deliveries through the restored link")
        counted = cam.stop_counting()
        assert cam.wait_delivered(30)
        assert stored(own_redis.url) == counted
    finally:
        cam.close()
        proxy.cut()
        server.kill()


NODE = textwrap.dedent(
    """
    import sys, time
    from camera.push import Pusher
    from camera.spool import Spool
    url, cam, tok, path, n = sys.argv[1:6]
    spool = Spool(path)
    p = Pusher(url, cam, tok, spool, batch_max=20, timeout=0.5)
    for i in range(int(n)):
        spool.append(time.time(), 1, 0)
        p.push_once()
    print("counted", flush=True)
    time.sleep(60)
    """
)


def test_camera_restarted_with_counts_still_in_its_spool(own_redis: KillableRedis, tmp_path: Path) -> None:
    tok = token_for(own_redis.url)
    port = free_port()
    path = tmp_path / "spool.sqlite"
    node = subprocess.Popen([sys.executable, "-c", NODE, f"http://127.0.0.1:{port}", CAM, tok, str(path), "120"], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert node.stdout is not None and node.stdout.readline().strip() == "counted"
    node.send_signal(signal.SIGKILL)  # the camera dies with everything still spooled (server was down)
    node.wait(10)
    server = ServerProcess(own_redis.url, port=port).start()
    try:
        restarted = CountingCamera(server.url, CAM, tok, path)
        assert restarted.spool.depth() == 120
        restarted.start()
        counted = restarted.stop_counting()
        assert restarted.wait_delivered(30)
        assert stored(own_redis.url) == counted >= 120
        restarted.close()
    finally:
        server.kill()
