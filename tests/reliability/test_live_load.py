"""Bounded live-path load: 200 websocket clients with 20 zone subscriptions each, for 60 s, while a camera counts.

A monitor in the `crowd` room must see an update at least every 3 s (one is due every 2 s while counts change),
subscriptions must be answered, and the server must log no "Cannot publish" / "Cannot receive" from its
Socket.IO message queue. LIVE_LOAD_SECONDS / LIVE_LOAD_SOCKETS shorten it for a quick look.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import threading
import time
from pathlib import Path

import redis
import requests
import socketio

from core.mall.loader import load_mall
from server.ingest.tokens import CameraTokens
from server.redis_server import free_port
from server.store.keys import Keys
from tests.conftest import ROOT, server_env
from tests.reliability.harness import CountingCamera

SOCKETS = int(os.environ.get("LIVE_LOAD_SOCKETS", "200"))
SUBSCRIPTIONS = 20
SECONDS = float(os.environ.get("LIVE_LOAD_SECONDS", "60"))
MAX_GAP_SECONDS = 3.0
CAM = "cam-phones-flagship-1"


def _start_server(redis_url: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """The web process as production runs it: the Procfile's gunicorn command line."""
    port = free_port()
    env = server_env(redis_url, port, LOG_LEVEL="WARNING")
    web = next(ln for ln in (ROOT / "Procfile").read_text().splitlines() if ln.startswith("web:"))
    argv = [a.replace("$PORT", str(port)) for a in shlex.split(web.removeprefix("web:"))]
    argv[0] = str(Path(sys.executable).with_name(argv[0]))
    (ROOT / "var").mkdir(exist_ok=True)
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/healthz", timeout=0.5).status_code == 200:
                return proc, url
        except requests.RequestException:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start: " + log.read_text()[-2000:])


def _disconnect_all(clients: list[socketio.Client]) -> None:
    """Concurrently: each disconnect waits for its reader thread to end."""

    def quiet(c: socketio.Client) -> None:
        try:
            c.disconnect()
        except Exception:  # best effort while tearing down hundreds of clients
            pass

    threads = [threading.Thread(target=quiet, args=(c,), daemon=True) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)


def test_200_sockets_20_subscriptions_no_stall(redis_url: str, r: redis.Redis, tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    proc, url = _start_server(redis_url, log)
    zones = [z.id for z in load_mall(None).zones]
    token = CameraTokens(r, Keys("t:")).issue(CAM)
    clients: list[socketio.Client] = []
    acks: list[float] = []
    gaps: list[float] = []
    lock = threading.Lock()
    cam = None
    monitor = socketio.Client(reconnection=False)
    try:
        crowd_times: list[float] = []
        monitor.on("crowd", lambda _p: crowd_times.append(time.monotonic()))
        monitor.connect(url, transports=["websocket"])
        assert monitor.call("subscribe", {}, timeout=10)["ok"]
        # entries and exits in turn: occupancy changes all the time, so a crowd update is due every 2 s
        cam = CountingCamera(url, CAM, token, tmp_path / "spool.sqlite", period=0.05).start()

        def one(i: int) -> None:
            c = socketio.Client(reconnection=False)
            c.connect(url, transports=["websocket"], wait_timeout=20)
            with lock:
                clients.append(c)
            for j in range(SUBSCRIPTIONS):
                t0 = time.monotonic()
                ack = c.call("subscribe", {"zone": zones[(i + j) % len(zones)]}, timeout=30)
                assert ack["ok"], ack
                with lock:
                    acks.append(time.monotonic() - t0)

        start = time.monotonic()
        threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(SOCKETS)]
        for t in threads:
            t.start()
            time.sleep(0.01)
        for t in threads:
            t.join(120)
        remaining = SECONDS - (time.monotonic() - start)
        if remaining > 0:
            time.sleep(remaining)
        seen = [t for t in crowd_times if t >= start]
        gaps = [b - a for a, b in zip([start, *seen], [*seen, time.monotonic()], strict=True)]
    finally:
        if cam is not None:
            cam.close()
        _disconnect_all([*clients, monitor])
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
    text = log.read_text(errors="replace")
    acks.sort()
    p99 = acks[int(len(acks) * 0.99) - 1] if acks else float("nan")
    summary = (f"{len(clients)} sockets, {len(acks)} subscriptions acked, ack p99 {p99:.2f} s, "
               f"max crowd gap {max(gaps):.2f} s over {SECONDS:.0f} s")
    print(summary)
    assert len(clients) == SOCKETS and len(acks) == SOCKETS * SUBSCRIPTIONS, summary
    assert "Cannot publish" not in text and "Cannot receive" not in text, text[-3000:]
    assert max(gaps) <= MAX_GAP_SECONDS, summary
