"""Apply camera batches (idempotent, atomic) and record heartbeats."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time as dtime
from functools import lru_cache
from pathlib import Path

import redis

from core.wire import CountEvent
from server.store.clock import business_day, local
from server.store.keys import HOUR_TTL_SECONDS, MINUTE_TTL_SECONDS, STREAM_TTL_SECONDS, Keys
from server.store.reads import open_gaps

APPLY_LUA = (Path(__file__).with_name("apply.lua")).read_text()


@dataclass(frozen=True)
class ApplyResult:
    applied: int
    duplicates: int
    occupancy: int
    high_water: int
    max_seq: int
    clamps: int
    count_in: int
    count_out: int
    pending: tuple[int, ...] = ()

    @property
    def open_gaps(self) -> list[list[int]]:
        return open_gaps(self.high_water, list(self.pending))


@lru_cache(maxsize=4096)
def _stamps(minute_ts: int, tz: str) -> tuple[str, str, str, str]:
    dt = local(minute_ts, tz)
    return dt.strftime("%Y%m%d%H"), dt.strftime("%M"), dt.strftime("%Y%m%d"), dt.strftime("%H")


class CountStore:
    """Writes of the ingest path; one Lua call per batch keeps it atomic."""

    def __init__(self, r: redis.Redis, keys: Keys, tz: str, opening: dtime) -> None:
        self.r, self.keys, self.tz, self.opening = r, keys, tz, opening
        self._apply = r.register_script(APPLY_LUA)

    def apply_batch(self, camera: str, stream: str, area: str, events: Sequence[CountEvent], now: float | None = None) -> ApplyResult:
        now = time.time() if now is None else now
        today = business_day(now, self.tz, self.opening)
        k = self.keys
        keys = [
            k.stream_state(camera, stream), k.stream_pending(camera, stream), k.gaps(camera),
            k.occupancy, k.occupancy_day, k.corrections, k.correction_counts, k.camera_streams, k.stats,
        ]
        args: list[object] = [area, today, f"{now:.3f}", MINUTE_TTL_SECONDS, HOUR_TTL_SECONDS, STREAM_TTL_SECONDS, len(events),
                              camera, stream]
        for ev in sorted(events, key=lambda e: e.seq):
            hour_stamp, minute, day_stamp, hour = _stamps(int(ev.time // 60 * 60), self.tz)
            keys += [k.minute(area, hour_stamp), k.hour(area, day_stamp)]
            affects = business_day(ev.time, self.tz, self.opening) == today
            args += [ev.seq, ev.count_in, ev.count_out, minute, hour, 1 if affects else 0]
        res = self._apply(keys=keys, args=args)
        return ApplyResult(*(int(x) for x in res[:8]), tuple(int(x) for x in res[8]) if len(res) > 8 else ())

    def observe_occupancy(self, camera: str, area: str, value: int, ts: float) -> None:
        self.r.hset(self.keys.occupancy_observed, area, json.dumps({"camera": camera, "value": value, "ts": ts}))

    def heartbeat(self, camera: str, payload: dict[str, object], now: float | None = None) -> None:
        body = dict(payload, ts=time.time() if now is None else now)
        self.r.hset(self.keys.heartbeats, camera, json.dumps(body))

    def reset_if_new_day(self, now: float | None = None) -> bool:
        """Run the opening-time reset even when no camera is sending (an empty batch does it)."""
        now = time.time() if now is None else now
        today = business_day(now, self.tz, self.opening)
        if self.r.get(self.keys.occupancy_day) == today:
            return False
        self.apply_batch("_clock", "reset", "", [], now)
        return True
