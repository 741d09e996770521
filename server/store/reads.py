"""Reads for pages and engines: only precomputed keys, never KEYS/SCAN."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

import redis

from server.store.clock import local
from server.store.keys import Keys

WINDOW_MINUTES = 15
Rows = list[tuple[int, int, int]]


def _hour_stamps(start_ts: int, end_ts: int, tz: str) -> list[str]:
    stamps, t = [], start_ts - start_ts % 3600
    while t <= end_ts:
        s = local(t, tz).strftime("%Y%m%d%H")
        if s not in stamps:
            stamps.append(s)
        t += 3600
    return stamps


class Reader:
    """Snapshots of areas for pages, exports and the staffing engine."""

    def __init__(self, r: redis.Redis, keys: Keys, tz: str) -> None:
        self.r, self.keys, self.tz = r, keys, tz

    def minutes(self, areas: list[str], start_ts: int, end_ts: int) -> dict[str, Rows]:
        """(minute ts, in, out) for every minute in [start, end] of each area, zeros included: one round trip.

        The one reader of the minute buckets (`m:<area>:<YYYYMMDDHH>`, fields iMM/oMM, mall-local time)."""
        start_ts, end_ts = start_ts - start_ts % 60, end_ts - end_ts % 60
        stamps = _hour_stamps(start_ts, end_ts, self.tz)
        pipe = self.r.pipeline(transaction=False)
        for a in areas:
            for s in stamps:
                pipe.hgetall(self.keys.minute(a, s))
        res = iter(pipe.execute())
        fields = []
        for t in range(start_ts, end_ts + 1, 60):
            dt = local(t, self.tz)
            fields.append((t, dt.strftime("%Y%m%d%H"), dt.strftime("%M")))
        out: dict[str, Rows] = {}
        for a in areas:
            hours = {s: next(res) for s in stamps}
            out[a] = [(t, int(hours[h].get("i" + m, 0)), int(hours[h].get("o" + m, 0))) for t, h, m in fields]
        return out

    def minutes_of(self, area: str, start_ts: int, end_ts: int) -> Rows:
        """`minutes` of one area (what the staffing engine reads)."""
        return self.minutes([area], start_ts, end_ts)[area]

    def occupancy(self, areas: list[str]) -> dict[str, int]:
        """Occupancy of many areas in one round trip (what kiosks show)."""
        values = self.r.hmget(self.keys.occupancy, areas) if areas else []
        return {a: int(v or 0) for a, v in zip(areas, values, strict=True)}

    def area_stats(self, areas: Iterable[str], now: float | None = None) -> dict[str, dict[str, int]]:
        """Occupancy, in/out of the last 15 minutes and of today, for many areas in one round trip."""
        now = time.time() if now is None else now
        areas = list(areas)
        t_end = int(now // 60 * 60)
        t_start = t_end - (WINDOW_MINUTES - 1) * 60
        stamps = _hour_stamps(t_start, t_end, self.tz)
        day = local(now, self.tz).strftime("%Y%m%d")
        pipe = self.r.pipeline(transaction=False)
        pipe.hmget(self.keys.occupancy, areas) if areas else pipe.ping()
        for a in areas:
            for s in stamps:
                pipe.hgetall(self.keys.minute(a, s))
            pipe.hgetall(self.keys.hour(a, day))
        res = pipe.execute()
        occ = res[0] if areas else []
        minute_fields = []
        for t in range(t_start, t_end + 1, 60):
            dt = local(t, self.tz)
            minute_fields.append((dt.strftime("%Y%m%d%H"), dt.strftime("%M")))
        out: dict[str, dict[str, int]] = {}
        i = 1
        for n, a in enumerate(areas):
            hours = dict(zip(stamps, res[i : i + len(stamps)], strict=True))
            i += len(stamps)
            today = res[i]
            i += 1
            in15 = sum(int(hours[s].get("i" + m, 0)) for s, m in minute_fields)
            out15 = sum(int(hours[s].get("o" + m, 0)) for s, m in minute_fields)
            in_today = sum(int(v) for f, v in today.items() if f[0] == "i")
            out_today = sum(int(v) for f, v in today.items() if f[0] == "o")
            out[a] = {
                "occupancy": int(occ[n] or 0),
                "in_15m": in15,
                "out_15m": out15,
                "in_today": in_today,
                "out_today": out_today,
            }
        return out

    def hourly_range(self, areas: list[str], first: datetime, last: datetime) -> list[dict[str, object]]:
        """Rows of (date, hour, area, in, out) for an export; one round trip per call."""
        days = []
        d = first
        while d <= last:
            days.append(d)
            d += timedelta(days=1)
        pipe = self.r.pipeline(transaction=False)
        for d in days:
            for a in areas:
                pipe.hgetall(self.keys.hour(a, d.strftime("%Y%m%d")))
        res = iter(pipe.execute())
        rows: list[dict[str, object]] = []
        for d in days:
            for a in areas:
                h = next(res)
                for hh in range(24):
                    rows.append({"date": d.strftime("%Y-%m-%d"), "hour": hh, "area": a,
                                 "in": int(h.get(f"i{hh:02d}", 0)), "out": int(h.get(f"o{hh:02d}", 0))})
        return rows

    def cameras(self, camera_ids: list[str], offline_after: float, now: float | None = None) -> dict[str, dict[str, object]]:
        """Heartbeat, online flag and sequence state of each camera."""
        now = time.time() if now is None else now
        hb = self.r.hmget(self.keys.heartbeats, camera_ids) if camera_ids else []
        streams = self.r.hmget(self.keys.camera_streams, camera_ids) if camera_ids else []
        pipe = self.r.pipeline(transaction=False)
        for cam, st in zip(camera_ids, streams, strict=True):
            pipe.hgetall(self.keys.stream_state(cam, st or "default"))
            pipe.zrange(self.keys.stream_pending(cam, st or "default"), 0, 99)
            pipe.lrange(self.keys.gaps(cam), 0, 19)
        res = pipe.execute()
        out: dict[str, dict[str, object]] = {}
        for n, cam in enumerate(camera_ids):
            beat = json.loads(hb[n]) if hb[n] else None
            state, pending, gap_log = res[n * 3], res[n * 3 + 1], res[n * 3 + 2]
            hw = int(state.get("hw", 0))
            gaps = open_gaps(hw, [int(x) for x in pending])
            out[cam] = {
                "online": bool(beat and now - float(beat["ts"]) < offline_after),
                "heartbeat": beat,
                "stream": streams[n],
                "high_water": hw,
                "max_seq": int(state.get("max", 0)),
                "applied": int(state.get("applied", 0)),
                "duplicates": int(state.get("duplicates", 0)),
                "open_gaps": gaps,
                "gap_log": [json.loads(g) for g in gap_log],
            }
        return out

    def corrections(self, limit: int = 100) -> list[dict[str, object]]:
        return [json.loads(x) for x in self.r.lrange(self.keys.corrections, 0, limit - 1)]


def open_gaps(hw: int, pending: list[int]) -> list[list[int]]:
    """Missing seq ranges between the high-water mark and what arrived out of order."""
    gaps, expect = [], hw + 1
    for s in pending:
        if s > expect:
            gaps.append([expect, s - 1])
        expect = s + 1
    return gaps
