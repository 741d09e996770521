"""Mall-local time: bucket stamps and the business day (which resets occupancy)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo


@lru_cache(maxsize=8)
def zone_info(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local(ts: float, tz: str) -> datetime:
    return datetime.fromtimestamp(ts, zone_info(tz))


def business_day(ts: float, tz: str, opening: time) -> str:
    """The trading day a moment belongs to: it starts at opening time, so occupancy resets then.
    For an opening on a whole minute (the usual case) the answer is cached per minute: every camera batch asks."""
    if opening.second or opening.microsecond:
        return _day_of(local(ts, tz), opening)
    return _business_day(int(ts // 60), tz, opening)


@lru_cache(maxsize=4096)
def _business_day(minute: int, tz: str, opening: time) -> str:
    return _day_of(local(minute * 60, tz), opening)


def _day_of(dt: datetime, opening: time) -> str:
    if dt.time() < opening:
        dt -= timedelta(days=1)
    return dt.strftime("%Y%m%d")
