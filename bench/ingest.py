"""Ingest throughput into one web process beside raw Redis pipelined writes, and push → socket latency.

    python bench/ingest.py [--seconds 10] [--cameras 100] [--sockets 300]

Prints: sustained count events/s (batched HTTP, one gunicorn process) and, measured in the same run,
raw Redis pipelined HINCRBY/s; then p50/p99 latency from a camera's POST to the zone update arriving
on Socket.IO clients, with 100 cameras at 2 batches/s and 300 connected sockets.
Targets: >= 5,000 events/s per process; p99 <= 250 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import redis
import requests
import socketio
from common import mall_with_zones, pct, stack  # type: ignore[import-not-found]

from server.ingest.tokens import CameraTokens
from server.store.keys import Keys


def raw_redis_rate(url: str, seconds: float) -> float:
    r = redis.Redis.from_url(url)
    n, t_end, t0 = 0, time.monotonic() + seconds, time.monotonic()
    while time.monotonic() < t_end:
        pipe = r.pipeline(transaction=False)
        for i in range(1000):
            pipe.hincrby("rawbench:h", f"f{i % 120}", 1)
        pipe.execute()
        n += 1000
    r.delete("rawbench:h")
    return n / (time.monotonic() - t0)


def throughput(url: str, tokens: dict[str, str], seconds: float, batch: int = 500, workers: int = 4) -> tuple[float, int]:
    cams = list(tokens)
    seqs = {c: itertools.count(1) for c in cams}
    lock = threading.Lock()
    total = [0]
    t_end = time.monotonic() + seconds

    def worker(k: int) -> None:
        s = requests.Session()
        mine = cams[k::workers]
        i = 0
        while time.monotonic() < t_end:
            cam = mine[i % len(mine)]
            i += 1
            now = time.time()
            with lock:
                events = [{"seq": next(seqs[cam]), "time": now, "in": 1, "out": 1} for _ in range(batch)]
            res = s.post(f"{url}/api/v1/cameras/{cam}/events", json={"stream": "bench", "events": events},
                         headers={"Authorization": f"Bearer {tokens[cam]}"}, timeout=30)
            res.raise_for_status()
            with lock:
                total[0] += res.json()["applied"]

    t0 = time.monotonic()
    with ThreadPoolExecutor(workers) as ex:
        list(ex.map(worker, range(workers)))
    return total[0] / (time.monotonic() - t0), total[0]


async def _latency(url: str, tokens: dict[str, str], zone_of: dict[str, str], n_sockets: int, seconds: float,
                   rate: float) -> list[float]:
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
            next_t += 1.0 / rate

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200)) as http:
        await asyncio.gather(*(camera_loop(http, cam, i / len(tokens) / rate) for i, cam in enumerate(tokens)))
    await asyncio.sleep(1.0)
    for c in clients:
        await c.disconnect()
    lat = []
    for zone, t0, occ in posts:
        hits = [t for o, t in seen[zone] if o >= occ and t >= t0]
        lat.append(min(hits) - t0 if hits else float("inf"))  # never delivered counts against p99
    return lat


def latency(url: str, tokens: dict[str, str], zone_of: dict[str, str], n_sockets: int, seconds: float, rate: float = 2.0) -> list[float]:
    return asyncio.run(_latency(url, tokens, zone_of, n_sockets, seconds, rate))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--cameras", type=int, default=100)
    ap.add_argument("--sockets", type=int, default=300)
    a = ap.parse_args()
    mall_file = mall_with_zones(a.cameras, Path(tempfile.mkdtemp()) / "mall.yaml")
    with stack(mall_file) as (redis_url, url):
        r = redis.Redis.from_url(redis_url, decode_responses=True)
        ct = CameraTokens(r, Keys("b:"))
        import yaml

        cams = yaml.safe_load(mall_file.read_text())["cameras"]
        zone_of = {c["id"]: c["zone"] for c in cams if c.get("zone")}
        tokens = {c: ct.issue(c) for c in zone_of}
        raw = raw_redis_rate(redis_url, 3.0)
        eps, n = throughput(url, dict(list(tokens.items())[:20]), a.seconds)
        print(f"ingest: {eps:,.0f} count events/s into one web process ({n:,} events, batches of 500, 4 client threads)")
        print(f"        raw Redis pipelined HINCRBY: {raw:,.0f} ops/s (same run, same server); target >= 5,000 events/s")
        r.flushdb()
        tokens = {c: ct.issue(c) for c in zone_of}
        lat = latency(url, tokens, zone_of, a.sockets, a.seconds)
        ok = [x for x in lat if x != float("inf")]
        print(f"push -> socket: {len(lat)} batches from {len(tokens)} cameras at 2/s, {a.sockets} sockets: "
              f"p50 {pct(ok, 50) * 1000:.0f} ms, p99 {pct(lat, 99) * 1000:.0f} ms, undelivered {len(lat) - len(ok)}; target p99 <= 250 ms")


if __name__ == "__main__":
    main()
