"""Shared set-up for benchmarks: a fresh real Redis, a web process like production, a bigger mall."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server.mall.loader import DEFAULT_MALL_FILE  # noqa: E402
from server.redis_server import free_port, start  # noqa: E402


def mall_with_zones(n: int, path: Path) -> Path:
    """The default mall grown to n zones, each with exactly one camera (one camera per zone keeps truth simple)."""
    data = yaml.safe_load(DEFAULT_MALL_FILE.read_text())
    base = [z for z in data["zones"] if z["category"] != "checkout"]
    zones = []
    for i in range(n):
        z = dict(base[i % len(base)])
        z["id"] = f"{z['id']}-{i}" if i >= len(base) else z["id"]
        zones.append(z)
    zones.append(next(z for z in data["zones"] if z["category"] == "checkout"))
    data["zones"] = zones
    data["cameras"] = [{"id": f"cam-{z['id']}", "zone": z["id"]} for z in zones[:n]] + [
        c for c in data["cameras"] if c.get("entrance")
    ]
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


@contextmanager
def stack(mall_file: Path | None = None, threads: int = 1000) -> Iterator[tuple[str, str]]:
    """(redis_url, web_url) of a fresh Redis (AOF everysec, as in production) and one gunicorn web process."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    rport, wport = free_port(), free_port()
    rproc = start(rport, tmp / "redis", durable=True)
    redis_url = f"redis://127.0.0.1:{rport}/0"
    env = dict(os.environ, REDIS_URL=redis_url, PORT=str(wport), SECRET_KEY="bench-only", LOG_LEVEL="WARNING", KEY_PREFIX="b:")
    if mall_file:
        env["MALL_CONFIG"] = str(mall_file)
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", str(threads), "--worker-connections", str(threads * 2),
         "--bind", f"127.0.0.1:{wport}", "--log-level", "warning", "server.wsgi:app"], cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{wport}"
    try:
        for _ in range(200):
            try:
                if requests.get(url + "/healthz", timeout=0.5).ok:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        yield redis_url, url
    finally:
        web.terminate()
        try:
            web.wait(10)
        except subprocess.TimeoutExpired:
            web.kill()
            web.wait(10)
        rproc.terminate()
        rproc.wait(10)


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q / 100.0 * (len(s) - 1)))] if s else float("nan")
