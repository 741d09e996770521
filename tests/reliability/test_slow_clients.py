"""Behind the shipped nginx a slow client (headers trickling in, never finished) is cut off after the header
timeout instead of holding a web process thread for a minute."""

from __future__ import annotations

import socket
import time
from pathlib import Path

from tests.conftest import ServerProcess
from tests.reliability.harness import nginx_in_front


def test_nginx_cuts_off_a_slow_client(redis_url: str, r, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    web = ServerProcess(redis_url).start()
    try:
        with nginx_in_front(tmp_path, web.port) as port:
            slow = socket.create_connection(("127.0.0.1", port), timeout=1)
            slow.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # headers never finished
            t0 = time.monotonic()
            closed = False
            while time.monotonic() - t0 < 25:
                try:
                    slow.sendall(b"X-Slow: 1\r\n")  # a header line a second: alive, never done
                    data = slow.recv(4096)
                except TimeoutError:
                    continue  # nothing from nginx yet: still connected
                except OSError:
                    closed = True
                    break
                if data == b"" or data.startswith(b"HTTP/1.1 408"):
                    closed = True
                    break
            took = time.monotonic() - t0
            slow.close()
            assert closed and took < 20, f"slow client still connected after {took:.0f} s"
    finally:
        web.kill()
