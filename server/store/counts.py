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

# Set a zone's occupancy by hand and record it as a correction. KEYS: occupancy hash, corrections list,
# correction counts hash. ARGV: area, value, JSON of the correction without before/after. Returns the old value.
CORRECT_LUA = """
local before = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local rec = cjson.decode(ARGV[3])
rec['before'] = before
rec['after'] = tonumber(ARGV[2])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('LPUSH', KEYS[2], cjson.encode(rec))
redis.call('LTRIM', KEYS[2], 0, 4999)
redis.call('HINCRBY', KEYS[3], ARGV[1], 1)
return before
"""


@dataclass(frozen=True)
class Plausibility:
    """Limits beyond which a camera event is quarantined (kept aside and flagged) instead of counted.
    The defaults check nothing; the ingest API passes the configured limits of the camera's area."""

    people_per_event: int = 2**53
    people_per_minute: int = 2**53  # in (and out) per minute in the whole area, all its cameras together
    occupancy: int = 0  # highest believable occupancy of the area; 0 = no limit


NO_LIMITS = Plausibility()


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
    quarantined: int = 0

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
        self._correct = r.register_script(CORRECT_LUA)

    def apply_batch(self, camera: str, stream: str, area: str, events: Sequence[CountEvent], now: float | None = None,
                    limits: Plausibility = NO_LIMITS, token_digest: str = "") -> ApplyResult | None:
        """Apply a batch in one round trip. With `token_digest` (the SHA-256 of the camera's bearer token), the
        script first checks it against the camera's registered token and returns None, writing nothing, if it
        does not match."""
        now = time.time() if now is None else now
        today = business_day(now, self.tz, self.opening)
        k = self.keys
        keys = [
            k.stream_state(camera, stream), k.stream_pending(camera, stream), k.gaps(camera),
            k.occupancy, k.occupancy_day, k.corrections, k.correction_counts, k.camera_streams, k.stats, k.quarantine,
            k.camera_tokens,
        ]
        args: list[object] = [area, today, f"{now:.3f}", MINUTE_TTL_SECONDS, HOUR_TTL_SECONDS, STREAM_TTL_SECONDS, len(events),
                              camera, stream, limits.people_per_event, limits.people_per_minute, limits.occupancy, token_digest]
        for ev in sorted(events, key=lambda e: e.seq):
            hour_stamp, minute, day_stamp, hour = _stamps(int(ev.time // 60 * 60), self.tz)
            keys += [k.minute(area, hour_stamp), k.hour(area, day_stamp)]
            affects = business_day(ev.time, self.tz, self.opening) == today
            args += [ev.seq, ev.count_in, ev.count_out, minute, hour, 1 if affects else 0, f"{ev.time:.3f}"]
        res = self._apply(keys=keys, args=args)
        if int(res[0]) < 0:
            return None
        return ApplyResult(*(int(x) for x in res[:8]), tuple(int(x) for x in res[8]) if len(res) > 8 else (),
                           int(res[9]) if len(res) > 9 else 0)

    def correct_occupancy(self, area: str, value: int, by: str, note: str, now: float | None = None) -> int:
        """A manager sets an area's occupancy; recorded as a correction (reason "manual"). Returns the old value."""
        rec = {"area": area, "reason": "manual", "by": by, "note": note, "ts": time.time() if now is None else now}
        k = self.keys
        return int(self._correct(keys=[k.occupancy, k.corrections, k.correction_counts], args=[area, value, json.dumps(rec)]))

    def quarantined(self, limit: int = 200) -> list[dict[str, object]]:
        """The newest quarantined camera events (implausible counts kept aside)."""
        return [json.loads(x) for x in self.r.lrange(self.keys.quarantine, 0, limit - 1)]

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
