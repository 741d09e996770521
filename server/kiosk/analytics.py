"""Engagement analytics per zone and local day: sessions, session length, taps per feature.

Only counters: no session ids, no kiosk ids, no input a shopper typed, no timestamps of individual taps.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import redis

from server.errors import ApiError
from server.store.keys import Keys

FEATURES = ("products", "product", "compare", "subsidy", "map", "route", "quiet", "call_staff", "language",
            "promotions", "attract", "still_there")
KEEP_SECONDS = 400 * 86400
MAX_SESSION_MS = 4 * 3600 * 1000


class EngagementInputError(ApiError):
    """A bad engagement report: 400 naming the field."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(400, "invalid", detail, field)


def _count(v: Any, field: str, hi: int) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= hi:
        raise EngagementInputError(field, f"{field} must be an integer 0..{hi}")
    return v


class Engagement:
    def __init__(self, r: redis.Redis, keys: Keys, tz: str) -> None:
        self.r, self.keys, self.tz = r, keys, ZoneInfo(tz)

    def day(self, now: float | None = None) -> str:
        dt = datetime.now(self.tz) if now is None else datetime.fromtimestamp(now, self.tz)
        return dt.strftime("%Y-%m-%d")

    def record(self, zone: str, body: dict[str, Any], now: float | None = None) -> dict[str, int]:
        """body: {sessions: n, session_ms: total ms of ended sessions, taps: {feature: n}}"""
        sessions = _count(body.get("sessions", 0), "sessions", 1000)
        session_ms = _count(body.get("session_ms", 0), "session_ms", MAX_SESSION_MS * max(1, sessions))
        taps = body.get("taps", {})
        if not isinstance(taps, dict):
            raise EngagementInputError("taps", "taps must be an object {feature: count}")
        clean: dict[str, int] = {}
        for f, n in taps.items():
            if f not in FEATURES:
                raise EngagementInputError(f"taps.{f}", "unknown feature; one of " + ", ".join(FEATURES))
            clean[f] = _count(n, f"taps.{f}", 10_000)
        day = self.day(now)
        key = self.keys.kiosk_engagement(day, zone)
        pipe = self.r.pipeline(transaction=True)
        if sessions:
            pipe.hincrby(key, "sessions", sessions)
        if session_ms:
            pipe.hincrby(key, "session_ms", session_ms)
        for f, n in clean.items():
            if n:
                pipe.hincrby(key, f"tap:{f}", n)
        pipe.expire(key, KEEP_SECONDS)
        pipe.sadd(self.keys.kiosk_engagement_days(day), zone)
        pipe.expire(self.keys.kiosk_engagement_days(day), KEEP_SECONDS)
        pipe.execute()
        return {"sessions": sessions, "session_ms": session_ms, "taps": sum(clean.values())}

    def report(self, day: str) -> dict[str, Any]:
        zones = sorted(self.r.smembers(self.keys.kiosk_engagement_days(day)))
        pipe = self.r.pipeline(transaction=False)
        for z in zones:
            pipe.hgetall(self.keys.kiosk_engagement(day, z))
        out = {}
        for z, raw in zip(zones, pipe.execute(), strict=True):
            sessions, ms = int(raw.get("sessions", 0)), int(raw.get("session_ms", 0))
            out[z] = {"sessions": sessions, "avg_session_seconds": round(ms / 1000 / sessions, 1) if sessions else None,
                      "taps": {k.removeprefix("tap:"): int(v) for k, v in sorted(raw.items()) if k.startswith("tap:")}}
        return {"day": day, "zones": out}
