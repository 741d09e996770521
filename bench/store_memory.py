"""Bytes of Redis per zone-day, measured: a full trading day of minute and hour buckets written through the
same Lua script the ingest API uses, then MEMORY USAGE of every key it created.

    python bench/store_memory.py

Prints bytes per zone-day (minute buckets, hour buckets) and the bounded total for the default mall
(54 zones + mall totals, minutes kept 14 days, hours kept 2 years), beside the raw size of the same
counts as packed 32-bit integers (the floor any store must pay).
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

import redis
from common import ROOT  # type: ignore[import-not-found]  # noqa: F401 - puts the repo on sys.path

from core.mall.loader import load_mall
from core.wire import CountEvent
from server.redis_server import free_port, start
from server.store.counts import CountStore
from server.store.keys import Keys


def main() -> None:
    port = free_port()
    proc = start(port, Path(tempfile.mkdtemp()), durable=False)
    try:
        r = redis.Redis(port=port, decode_responses=True)
        mall = load_mall()
        keys = Keys("m:")
        store = CountStore(r, keys, mall.mall.timezone, mall.mall.opening_time)
        zones = [z.id for z in mall.zones[:10]]
        rng = random.Random(1)
        # one trading day (12 h of opening) ending now, every minute with some traffic in every zone
        now = time.time()
        start_ts = now - 12 * 3600 + 60
        for zi, zone in enumerate(zones):
            events = []
            seq = 1
            t = start_ts
            while t < now:
                events.append(CountEvent.of(seq, t, rng.randint(0, 9), rng.randint(0, 9)))
                seq += 1
                t += 60
            for i in range(0, len(events), 500):
                store.apply_batch(f"cam-{zi}", "s", zone, events[i : i + 500], now)
        minute_bytes = hour_bytes = 0
        for zone in zones:
            for k in r.scan_iter(f"m:m:{zone}:*"):
                minute_bytes += int(r.memory_usage(k) or 0)
            for k in r.scan_iter(f"m:h:{zone}:*"):
                hour_bytes += int(r.memory_usage(k) or 0)
        per_zone_min = minute_bytes / len(zones)
        per_zone_hour = hour_bytes / len(zones)
        areas = len(mall.zones) + 1
        total = areas * (14 * per_zone_min + 730 * per_zone_hour)
        raw = 12 * 60 * 2 * 4
        print(f"minute buckets: {per_zone_min:,.0f} bytes per zone-day (12 h open; raw packed counts {raw:,} bytes)")
        print(f"hour buckets:   {per_zone_hour:,.0f} bytes per zone-day")
        print(f"bounded total for {areas} areas (14 days of minutes + 2 years of hours): {total / 2**20:,.1f} MiB")
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
