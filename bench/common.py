"""Shared set-up for benchmarks: a fresh real Redis, a web process like production, a bigger mall."""

from __future__ import annotations

import asyncio
import itertools
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
import socketio
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.mall.loader import DEFAULT_MALL_FILE  # noqa: E402
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


def worker_pid(master: int) -> int:
    """gunicorn's single worker process (the one that holds sockets and memory)."""
    kids = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(kids[0]) if kids else master


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def _wait_healthy(url: str, proc: subprocess.Popen) -> None:
    for _ in range(200):
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: the process exited with {proc.returncode}")
        try:
            if requests.get(url + "/healthz", timeout=0.5).ok:
                return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not become healthy")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


@contextmanager
def stack(mall_file: Path | None = None, threads: int = 1000, info: dict | None = None, durable: bool = True,
          ingest: bool = False) -> Iterator[tuple[str, str]]:
    """(redis_url, web_url) of a fresh Redis (AOF everysec, as in production) and one gunicorn web process.
    With `ingest`, also the camera-only process (`python -m server.ingest`): its URL and pid go into `info`."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    rport, wport, iport = free_port(), free_port(), free_port()
    rproc = start(rport, tmp / "redis", durable=durable)
    redis_url = f"redis://127.0.0.1:{rport}/0"
    env = dict(os.environ, REDIS_URL=redis_url, PORT=str(wport), INGEST_PORT=str(iport), SECRET_KEY="bench-only",
               LOG_LEVEL="WARNING", KEY_PREFIX="b:")
    # the throughput run sends 500 people per camera per second on purpose, far past plausible counting
    # (docs/security.md): lift that limit so the figure measures applying events, not quarantining them
    env.setdefault("PLAUSIBLE_PEOPLE_PER_CAMERA_MINUTE", str(10**9))
    if mall_file:
        env["MALL_CONFIG"] = str(mall_file)
    worker = ["--threads", str(threads), "--worker-connections", str(threads * 2)]
    procs = [subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "1", *worker, "--bind", f"127.0.0.1:{wport}", "--log-level", "warning",
         "server.wsgi:app"], cwd=ROOT, env=env)]
    url = f"http://127.0.0.1:{wport}"
    try:
        _wait_healthy(url, procs[0])
        if info is not None:
            info["web_pid"] = worker_pid(procs[0].pid)
        if ingest:
            procs.append(subprocess.Popen([sys.executable, "-m", "server.ingest"], cwd=ROOT, env=env))
            _wait_healthy(f"http://127.0.0.1:{iport}", procs[1])
            if info is not None:
                info["ingest_url"], info["ingest_pid"] = f"http://127.0.0.1:{iport}", procs[1].pid
        yield redis_url, url
    finally:
        for proc in procs:
            _stop(proc)
        rproc.terminate()
        rproc.wait(10)


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q / 100.0 * (len(s) - 1)))] if s else float("nan")


async def _latency(url: str, tokens: dict[str, str], zone_of: dict[str, str], n_sockets: int, seconds: float,
                   rate: float, sent: list[int] | None = None, slow: list[tuple[float, float]] | None = None) -> list[float]:
    """One asyncio loop drives every socket and camera, so the client side stays light on a 2-core machine."""
    import aiohttp

    zones = sorted(set(zone_of.values()))
    seen: dict[str, list[tuple[int, float]]] = {z: [] for z in zones}
    clients = []
    for i in range(n_sockets):
        z = zones[i % len(zones)]
        c = socketio.AsyncClient(reconnection=False)

        async def on_zone(p, z=z):  # type: ignore[no-untyped-def]
            if p["zone"] == z:
                seen[z].append((p["occupancy"], time.monotonic()))

        c.on("zone", on_zone)
        await c.connect(url, transports=["websocket"], wait_timeout=20)
        await c.call("subscribe", {"zone": z}, timeout=20)
        clients.append(c)
    await asyncio.sleep(1.0)
    posts: list[tuple[str, float, int]] = []
    t_end = time.monotonic() + seconds

    async def camera_loop(http: aiohttp.ClientSession, cam: str, offset: float) -> None:
        seq = itertools.count(1)
        next_t = time.monotonic() + offset
        while next_t < t_end:
            await asyncio.sleep(max(0.0, next_t - time.monotonic()))
            t0 = time.monotonic()
            body = {"stream": "lat", "events": [{"seq": next(seq), "time": time.time(), "in": 1, "out": 0}]}
            async with http.post(f"{url}/api/v1/cameras/{cam}/events", json=body,
                                 headers={"Authorization": f"Bearer {tokens[cam]}"}) as res:
                if res.status == 200:
                    posts.append((zone_of[cam], t0, (await res.json())["occupancy"]))
                    if sent is not None:
                        sent[0] += 1
            next_t += 1.0 / rate

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200)) as http:
        await asyncio.gather(*(camera_loop(http, cam, i / len(tokens) / rate) for i, cam in enumerate(tokens)))
    await asyncio.sleep(1.0)
    # disconnect all at once, bounded: a socket's polite goodbye can take seconds
    await asyncio.wait([asyncio.ensure_future(c.disconnect()) for c in clients], timeout=10)
    lat = []
    for zone, t0, occ in posts:
        hits = [t for o, t in seen[zone] if o >= occ and t >= t0]
        lat.append(min(hits) - t0 if hits else float("inf"))  # never delivered counts against p99
        if slow is not None:
            slow.append((t0 - (t_end - seconds), lat[-1]))
    return lat


def latency(url: str, tokens: dict[str, str], zone_of: dict[str, str], n_sockets: int, seconds: float, rate: float = 2.0,
            sent: list[int] | None = None, slow: list[tuple[float, float]] | None = None) -> list[float]:
    """Cameras post one 'in' per batch at `rate`/s; returns each batch's push → socket latency (inf if never seen)."""
    return asyncio.run(_latency(url, tokens, zone_of, n_sockets, seconds, rate, sent, slow))
