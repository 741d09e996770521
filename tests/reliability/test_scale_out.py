"""nginx (Debian package, ip_hash) in front of two web processes sharing Redis: a kiosk connected through
nginx to one process receives updates ingested through another."""

from __future__ import annotations

import queue
import shutil
import string
import subprocess
import time
from pathlib import Path

import pytest
import requests
import socketio

from server.redis_server import free_port
from tests.conftest import ROOT, ServerProcess
from tests.helpers import auth, ev

CAM, ZONE = "cam-split-ac-1", "split-ac"


def test_updates_cross_processes_behind_nginx(redis_url: str, r, tokens, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.skip("Debian nginx is not installed (make system-deps installs it)")
    a = ServerProcess(redis_url).start()
    b = ServerProcess(redis_url).start()
    port = free_port()
    conf = string.Template((ROOT / "deploy" / "nginx.conf.template").read_text()).safe_substitute(
        LISTEN_PORT=port, PREFIX_DIR=tmp_path, UPSTREAMS=f"server 127.0.0.1:{a.port}; server 127.0.0.1:{b.port};")
    (tmp_path / "nginx.conf").write_text(conf)
    proc = subprocess.Popen([nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"],
                            stderr=subprocess.PIPE)
    try:
        front = f"http://127.0.0.1:{port}"
        for _ in range(50):
            try:
                if requests.get(front + "/healthz", timeout=0.5).ok:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        tok = tokens.issue(CAM)
        events: queue.Queue = queue.Queue()
        sio = socketio.Client(reconnection=False)
        sio.on("zone", events.put)
        sio.connect(front, transports=["polling", "websocket"])  # starts with polling: needs ip_hash stickiness
        try:
            assert sio.call("subscribe", {"zone": ZONE}, timeout=5) == {"ok": True}
            events.get(timeout=5)
            # ingest directly into each process in turn: whichever one holds the socket, the other one also reaches it
            for n, target in enumerate((a, b), start=1):
                t0 = time.monotonic()
                res = requests.post(f"{target.url}/api/v1/cameras/{CAM}/events", json={"events": [ev(n, 1, 0)]},
                                    headers=auth(tok), timeout=5)
                assert res.status_code == 200
                while True:
                    p = events.get(timeout=2)
                    if p["occupancy"] == n:
                        break
                assert time.monotonic() - t0 < 0.5
        finally:
            sio.disconnect()
        ws = socketio.Client(reconnection=False)  # and a websocket-only client gets through nginx's upgrade
        ws.connect(front, transports=["websocket"])
        assert ws.transport() == "websocket" and ws.call("subscribe", {"zone": ZONE}, timeout=5) == {"ok": True}
        ws.disconnect()
    finally:
        proc.terminate()
        proc.wait(10)
        a.kill()
        b.kill()
