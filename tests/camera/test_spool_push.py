"""The camera node's spool and push path against a real server process: nothing lost, nothing doubled."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import requests

from camera.push import Pusher
from camera.spool import Spool
from tests.conftest import ROOT, ServerProcess
from tests.helpers import auth

CAM, ZONE = "cam-central-ac-1", "central-ac"


def zone_occupancy(url: str) -> int:
    """Every test event is one person in, so the public occupancy is the number applied."""
    z = next(z for z in requests.get(url + "/api/v1/zones", timeout=5).json()["zones"] if z["zone"] == ZONE)
    return int(z["occupancy"])


def test_spool_survives_reopen_and_keeps_its_stream(tmp_path: Path) -> None:
    s = Spool(tmp_path / "a.sqlite")
    stream = s.stream
    assert [s.append(1.0, 1, 0), s.append(2.0, 0, 1)] == [1, 2]
    s.close()
    s2 = Spool(tmp_path / "a.sqlite")
    assert s2.stream == stream and s2.depth() == 2
    assert s2.append(3.0, 1, 0) == 3  # seq continues after a restart
    s2.ack([1, 2])
    assert [e.seq for e in s2.pending(10)] == [3]


def test_server_down_events_kept_then_delivered_exactly_once_in_order(redis_url: str, r, tokens, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tok = tokens.issue(CAM)
    server = ServerProcess(redis_url)
    spool = Spool(tmp_path / "cam.sqlite")
    pusher = Pusher(server.url, CAM, tok, spool, batch_max=7)
    now = time.time()
    for i in range(40):
        spool.append(now - 40 + i, 1, 0)
    assert pusher.push_once() == 0 and pusher.backoff == 1.0  # nobody listening yet
    assert pusher.push_once() == 0 and pusher.backoff == 2.0  # backoff doubles
    assert spool.depth() == 40
    server.start()
    try:
        sent_order = []
        while spool.depth():
            batch = [e.seq for e in spool.pending(pusher.batch_max)]
            assert pusher.push_once() == len(batch)
            sent_order += batch
            status = requests.get(f"{server.url}/api/v1/cameras/{CAM}/status", headers=auth(tok), timeout=5).json()
            assert status["open_gaps"] == []  # applied in order: never a hole behind the high-water mark
        assert sent_order == list(range(1, 41))
        status = requests.get(f"{server.url}/api/v1/cameras/{CAM}/status", headers=auth(tok), timeout=5).json()
        assert (status["high_water"], status["applied"], status["duplicates"]) == (40, 40, 0)
        assert zone_occupancy(server.url) == 40
    finally:
        server.kill()


PUSH_FOREVER = textwrap.dedent(
    """
    import sys, time
    from camera.push import Pusher
    from camera.spool import Spool
    url, cam, tok, path, n = sys.argv[1:6]
    spool = Spool(path)
    p = Pusher(url, cam, tok, spool, batch_max=3)
    for i in range(int(n)):
        spool.append(time.time(), 1, 0)
        p.push_once()
        time.sleep(0.01)
    print("done", flush=True)
    time.sleep(60)
    """
)


def test_camera_killed_mid_batch_and_restarted_loses_and_doubles_nothing(live: ServerProcess, tokens, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tok = tokens.issue(CAM)
    path = tmp_path / "cam.sqlite"
    total = 300
    proc = subprocess.Popen([sys.executable, "-c", PUSH_FOREVER, live.url, CAM, tok, str(path), str(total)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while zone_occupancy(live.url) < 60 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)  # mid-stream: some batches sent but not yet acknowledged
    proc.wait(10)
    spool = Spool(path)
    appended = spool.last_seq()  # what the dead process had committed
    assert 60 <= appended < total
    stored_before = zone_occupancy(live.url)
    assert stored_before <= appended
    pusher = Pusher(live.url, CAM, tok, spool, batch_max=50)
    assert pusher.drain(time.monotonic() + 20)
    assert zone_occupancy(live.url) == appended
