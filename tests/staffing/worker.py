"""A staffing engine process for the leader-election test (synthetic footfall, publishes to a Redis list)."""

from __future__ import annotations

import json
import sys
import time

import redis

from core.mall.loader import load_mall
from server.staffing.service import StaffingService


def synthetic_reader(area: str, start: int, end: int) -> list[tuple[int, int, int]]:
    per_min = 8 if area == "mall" else 2
    return [(t, per_min, per_min) for t in range(start, end + 1, 60)]


def main() -> None:
    url, prefix, ident = sys.argv[1], sys.argv[2], sys.argv[3]
    r = redis.Redis.from_url(url, decode_responses=True)

    def publish(s: dict) -> None:
        r.rpush(prefix + "test:published", json.dumps({"leader": s["leader"], "t": time.time()}))

    svc = StaffingService(r, prefix, load_mall(), publish, interval_seconds=0.3, lock_ttl_ms=1000,
                          reader=synthetic_reader, instance_id=ident)
    svc.start()
    print("ready", flush=True)
    while True:
        time.sleep(1)


if __name__ == "__main__":
    main()
