"""Behind the shipped nginx a slow client (headers trickling in, never finished) is cut off after the header
timeout instead of holding a web process thread for a minute."""

from __future__ import annotations

import shutil
import socket
import string
import subprocess
import time
from pathlib import Path

import pytest
import requests

from server.redis_server import free_port
from tests.conftest import ROOT, ServerProcess


def test_nginx_cuts_off_a_slow_client(redis_url: str, r, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.skip("Debian nginx is not installed (make system-deps installs it)")
    web = ServerProcess(redis_url).start()
    port = free_port()
    conf = string.Template((ROOT / "deploy" / "nginx.conf.template").read_text()).safe_substitute(
        LISTEN_PORT=port, PREFIX_DIR=tmp_path, UPSTREAMS=f"server 127.0.0.1:{web.port};")
    (tmp_path / "nginx.conf").write_text(conf)
    proc = subprocess.Popen([nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"],
                            stderr=subprocess.PIPE)
    try:
        for _ in range(50):
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=0.5).ok:
                    break
            except requests.RequestException:
                time.sleep(0.1)
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
        proc.terminate()
        proc.wait(10)
        web.kill()
