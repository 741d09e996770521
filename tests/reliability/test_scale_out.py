"""nginx (Debian package, ip_hash) in front of two web processes sharing Redis: a kiosk connected through
nginx to one process receives updates ingested through another."""

from __future__ import annotations

import queue
import time
from pathlib import Path

import requests
import socketio

from tests.conftest import ServerProcess
from tests.helpers import auth, ev
from tests.reliability.harness import nginx_in_front

CAM, ZONE = "cam-split-ac-1", "split-ac"


def test_updates_cross_processes_behind_nginx(redis_url: str, r, tokens, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a = ServerProcess(redis_url).start()
    b = ServerProcess(redis_url).start()
    try:
        with nginx_in_front(tmp_path, a.port, b.port) as port:
            front = f"http://127.0.0.1:{port}"
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
        a.kill()
        b.kill()
