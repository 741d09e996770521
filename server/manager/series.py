"""Time series for the manager page, read from the precomputed minute and hour buckets (no KEYS/SCAN).

Minute buckets (`m:<area>:<YYYYMMDDHH>`, fields iMM/oMM) are kept 14 days, hour buckets
(`h:<area>:<YYYYMMDD>`, fields iHH/oHH) two years; all stamps are mall-local time.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import redis

from server.store.clock import local, zone_info
from server.store.keys import Keys

TYPICAL_DAYS = 7  # "typical day" = mean of the previous 7 days, bin by bin


Rows = list[tuple[int, int, int]]


def minute_series(r: redis.Redis, keys: Keys, tz: str, areas: list[str], start_ts: int, end_ts: int) -> dict[str, Rows]:
    """(minute ts, in, out) for every minute in [start, end] of each area, zeros included: one round trip."""
    start_ts, end_ts = start_ts - start_ts % 60, end_ts - end_ts % 60
    stamps: list[str] = []
    t = start_ts - start_ts % 3600
    while t <= end_ts:
        s = local(t, tz).strftime("%Y%m%d%H")
        if s not in stamps:
            stamps.append(s)
        t += 3600
    pipe = r.pipeline(transaction=False)
    for a in areas:
        for s in stamps:
            pipe.hgetall(keys.minute(a, s))
    res = iter(pipe.execute())
    fields = []
    for t in range(start_ts, end_ts + 1, 60):
        dt = local(t, tz)
        fields.append((t, dt.strftime("%Y%m%d%H"), dt.strftime("%M")))
    out: dict[str, list[tuple[int, int, int]]] = {}
    for a in areas:
        hours = {s: next(res) for s in stamps}
        out[a] = [(t, int(hours[h].get("i" + m, 0)), int(hours[h].get("o" + m, 0))) for t, h, m in fields]
    return out


def binned(rows: list[tuple[int, int, int]], minutes: int) -> list[tuple[int, int, int]]:
    """Sum minute rows into bins of `minutes` (rows must start on a bin boundary)."""
    out: list[tuple[int, int, int]] = []
    for i in range(0, len(rows), minutes):
        chunk = rows[i : i + minutes]
        out.append((chunk[0][0], sum(c[1] for c in chunk), sum(c[2] for c in chunk)))
    return out


def day_start(day: datetime, tz: str) -> int:
    """Epoch seconds of local midnight of `day`'s date."""
    return int(datetime.combine(day.date(), time(0, 0), tzinfo=zone_info(tz)).timestamp())


def footfall_today(r: redis.Redis, keys: Keys, tz: str, area: str, now: float, bin_minutes: int = 5) -> dict[str, Any]:
    """Entries today in bins, beside the typical day: the mean of the same bin over the previous 7 days.

    Bins are aligned on local wall-clock time (a day is 24 h here: the mall's time zone has no DST);
    today's bins after `now` are null so the chart stops at the current bin.
    """
    today = local(now, tz)
    t0 = day_start(today, tz)
    n_bins = 24 * 60 // bin_minutes
    today_rows = binned(minute_series(r, keys, tz, [area], t0, t0 + 86400 - 60)[area], bin_minutes)
    days = []
    for k in range(1, TYPICAL_DAYS + 1):
        d = today - timedelta(days=k)
        days.append(day_start(d, tz))
    # One pipeline for the 7 previous days: 7 × 24 hour hashes.
    history = [binned(minute_series(r, keys, tz, [area], s, s + 86400 - 60)[area], bin_minutes) for s in days]
    typical = [round(sum(h[i][1] for h in history) / len(history), 2) for i in range(n_bins)]
    current_bin = int((now - t0) // (bin_minutes * 60))
    entries = [row[1] if i <= current_bin else None for i, row in enumerate(today_rows)]
    exits = [row[2] if i <= current_bin else None for i, row in enumerate(today_rows)]
    return {
        "area": area, "date": today.strftime("%Y-%m-%d"), "bin_minutes": bin_minutes,
        "t": [t0 + i * bin_minutes * 60 for i in range(n_bins)],
        "entries": entries, "exits": exits, "typical": typical,
        "typical_definition": f"mean of the same {bin_minutes}-minute bin over the previous {TYPICAL_DAYS} days",
        "entries_today": sum(e for e in entries if e is not None),
    }


def day_curve(r: redis.Redis, keys: Keys, tz: str, area: str, day: datetime, bin_minutes: int = 15) -> list[int]:
    """Entries of one local day in bins."""
    s = day_start(day, tz)
    return [row[1] for row in binned(minute_series(r, keys, tz, [area], s, s + 86400 - 60)[area], bin_minutes)]
