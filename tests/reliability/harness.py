"""Pieces for fault tests: a Redis we may kill, a TCP proxy we may cut, a camera that keeps counting, the shipped
nginx in front of web processes."""

from __future__ import annotations

import select
import shutil
import signal
import socket
import string
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from camera.push import Pusher
from camera.spool import Spool
from server.redis_server import free_port, start
from tests.conftest import ROOT


class KillableRedis:
    """A real server with AOF (as in production) on a fixed port and data dir, so it can come back."""

    def __init__(self, port: int, data_dir: Path) -> None:
        self.port, self.dir = port, data_dir
        self.url = f"redis://127.0.0.1:{port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> KillableRedis:
        self.proc = start(self.port, self.dir, durable=True)
        return self

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


class Proxy:
    """A TCP proxy between a camera and the server; `cut()` drops every connection and refuses new ones."""

    def __init__(self, listen_port: int, target_port: int) -> None:
        self.listen_port, self.target_port = listen_port, target_port
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self._srv: socket.socket | None = None
        self._stop = threading.Event()

    def start(self) -> Proxy:
        srv = socket.socket()
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", self.listen_port))
        srv.listen(64)
        self._srv = srv
        self._stop.clear()
        threading.Thread(target=self._accept, args=(srv,), daemon=True).start()
        return self

    def _accept(self, srv: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                client, _ = srv.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                r, _, _ = select.select([a, b], [], [], 0.5)
                for s in r:
                    data = s.recv(65536)
                    if not data:
                        return
                    (b if s is a else a).sendall(data)
        except OSError:
            return
        finally:
            a.close()
            b.close()

    def cut(self) -> None:
        self._stop.set()
        if self._srv:
            self._srv.close()
        with self._lock:
            for c in self._conns:
                try:
                    c.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                c.close()
            self._conns.clear()

    def restore(self) -> None:
        self.start()


class CountingCamera:
    """Appends one 'in' event every `period` seconds to its spool while a pusher delivers in the background."""

    def __init__(self, server_url: str, camera: str, token: str, spool_path: Path, period: float = 0.02,
                 exit_every: int = 2) -> None:
        """Every `exit_every`-th event is an exit instead of an entry (0: entries only): people come and go, so
        occupancy stays plausible (server/ingest plausibility limits) however long the camera counts."""
        self.spool = Spool(spool_path)
        self.pusher = Pusher(server_url, camera, token, self.spool, batch_max=50, interval=0.2, backoff_max=2.0, timeout=2.0)
        self.period, self.exit_every = period, exit_every
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> CountingCamera:
        push_thread, self._push_stop = self.pusher.start()
        producer = threading.Thread(target=self._produce, daemon=True)
        producer.start()
        self._threads = [push_thread, producer]
        return self

    def _produce(self) -> None:
        n = 0
        while not self._stop.is_set():
            n += 1
            leaves = self.exit_every and n % self.exit_every == 0
            self.spool.append(time.time(), 0 if leaves else 1, 1 if leaves else 0)
            time.sleep(self.period)

    def stop_counting(self) -> int:
        """Stop producing; returns how many events the camera counted in all."""
        self._stop.set()
        self._threads[1].join(5)
        return self.spool.last_seq()

    def wait_delivered(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.spool.depth() == 0:
                return True
            time.sleep(0.1)
        return False

    def close(self) -> None:
        self._stop.set()
        self._push_stop.set()
        for t in self._threads:
            t.join(5)


@contextmanager
def nginx_in_front(prefix_dir: Path, *web_ports: int) -> Iterator[int]:
    """Debian's nginx with the shipped deploy/nginx.conf.template in front of the web processes on `web_ports`;
    yields its port once it answers /healthz.  Skips where nginx is not installed (make system-deps installs it)."""
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.skip("Debian nginx is not installed (make system-deps installs it)")
    port = free_port()
    upstreams = " ".join(f"server 127.0.0.1:{p};" for p in web_ports)
    conf = string.Template((ROOT / "deploy" / "nginx.conf.template").read_text()).safe_substitute(
        LISTEN_PORT=port, PREFIX_DIR=prefix_dir, UPSTREAMS=upstreams, INGEST_UPSTREAMS=upstreams)  # web processes stand in
    (prefix_dir / "nginx.conf").write_text(conf)
    proc = subprocess.Popen([nginx, "-p", str(prefix_dir), "-c", str(prefix_dir / "nginx.conf"), "-g", "daemon off;"],
                            stderr=subprocess.PIPE)
    try:
        for _ in range(50):
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=0.5).ok:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(10)
