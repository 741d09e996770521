"""Soak: 100 simulated cameras and 500 sockets against one web process, bounded in time (10 min by default).

    python bench/soak.py [--minutes 10]

Prints events sent vs stored (must be equal), p99 push → socket latency, and the web process's RSS
growth after warm-up (target below 10%).
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path

import redis
import yaml
from common import latency, mall_with_zones, pct, rss_bytes, stack  # type: ignore[import-not-found]

from server.ingest.tokens import CameraTokens
from server.store.keys import Keys


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--cameras", type=int, default=100)
    ap.add_argument("--sockets", type=int, default=500)
    ap.add_argument("--warmup", type=float, default=60.0, help="seconds before the RSS baseline is taken")
    ap.add_argument("--no-aof", action="store_true", help="Redis without AOF, to tell disk stalls from web-process stalls")
    a = ap.parse_args()
    seconds = min(a.minutes, 10.0) * 60
    mall_file = mall_with_zones(a.cameras, Path(tempfile.mkdtemp()) / "mall.yaml")
    info: dict = {}
    with stack(mall_file, info=info, durable=not a.no_aof) as (redis_url, url):
        r = redis.Redis.from_url(redis_url, decode_responses=True)
        cams = yaml.safe_load(mall_file.read_text())["cameras"]
        zone_of = {c["id"]: c["zone"] for c in cams if c.get("zone")}
        tokens = {c: CameraTokens(r, Keys("b:")).issue(c) for c in zone_of}
        pid = info["web_pid"]
        samples: list[tuple[float, int]] = []
        stop = threading.Event()

        def sample() -> None:
            t0 = time.monotonic()
            while not stop.wait(5.0):
                samples.append((time.monotonic() - t0, rss_bytes(pid)))

        threading.Thread(target=sample, daemon=True).start()
        sent = [0]
        timed: list[tuple[float, float]] = []
        lat = latency(url, tokens, zone_of, a.sockets, seconds, 2.0, sent, timed)
        stop.set()
        stored = 0
        for z in set(zone_of.values()):
            for k in r.scan_iter(f"b:h:{z}:*"):
                stored += sum(int(v) for f, v in r.hgetall(k).items() if f.startswith("i"))
        base = next((v for t, v in samples if t >= min(a.warmup, seconds / 3)), samples[0][1] if samples else 0)
        end = samples[-1][1] if samples else 0
        ok = [x for x in lat if x != float("inf")]
        print(f"soak: {seconds / 60:.1f} min, {len(tokens)} cameras at 2 batches/s, {a.sockets} sockets")
        print(f"events sent {sent[0]:,} vs stored {stored:,} ({'equal' if sent[0] == stored else 'MISMATCH'})")
        print(f"push -> socket p50 {pct(ok, 50) * 1000:.0f} ms, p99 {pct(lat, 99) * 1000:.0f} ms, undelivered {len(lat) - len(ok)}"
              " (target p99 <= 250 ms)")
        settle = min(a.warmup, seconds / 3)
        settled = [x for t, x in timed if t >= settle]
        print(f"after warm-up ({settle:.0f} s): p50 {pct(settled, 50) * 1000:.0f} ms, p99 {pct(settled, 99) * 1000:.0f} ms")
        worst = sorted(timed, key=lambda x: -x[1])[: max(1, len(timed) // 100)]
        spells = sorted({round(t) for t, _ in worst})
        print(f"slowest 1% of batches were sent at (s into the run): {spells[:40]}{' ...' if len(spells) > 40 else ''}")
        growth = 100.0 * (end - base) / base if base else float("nan")
        print(f"web RSS after warm-up {base / 2**20:.1f} MiB -> end {end / 2**20:.1f} MiB: growth {growth:+.1f}% (target < 10%)")


if __name__ == "__main__":
    main()
