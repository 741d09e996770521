"""Time series for the manager page: bins and day curves over the store's minute buckets (no KEYS/SCAN).

Minute buckets (`m:<area>:<YYYYMMDDHH>`, fields iMM/oMM) are kept 14 days, hour buckets
(`h:<area>:<YYYYMMDD>`, fields iHH/oHH) two years; all stamps are mall-local time.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from server.store.clock import local, zone_info
from server.store.reads import Reader

TYPICAL_DAYS = 7  # "typical day" = mean of the previous 7 days, bin by bin


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


def footfall_today(reader: Reader, area: str, now: float, bin_minutes: int = 5) -> dict[str, Any]:
    """Entries today in bins, beside the typical day (the mean of the same bin over the previous 7 days), the same
    weekday last week and last year's same date (see `comparisons`).

    Bins are aligned on local wall-clock time (a day is 24 h here: the mall's time zone has no DST);
    today's bins after `now` are null so the chart stops at the current bin.
    """
    tz = reader.tz
    today = local(now, tz)
    t0 = day_start(today, tz)
    n_bins = 24 * 60 // bin_minutes
    today_rows = binned(reader.minutes_of(area, t0, t0 + 86400 - 60), bin_minutes)
    days = []
    for k in range(1, TYPICAL_DAYS + 1):
        d = today - timedelta(days=k)
        days.append(day_start(d, tz))
    # One pipeline for the 7 previous days: 7 × 24 hour hashes.
    history = [binned(reader.minutes_of(area, s, s + 86400 - 60), bin_minutes) for s in days]
    typical = [round(sum(h[i][1] for h in history) / len(history), 2) for i in range(n_bins)]
    current_bin = int((now - t0) // (bin_minutes * 60))
    entries = [row[1] if i <= current_bin else None for i, row in enumerate(today_rows)]
    exits = [row[2] if i <= current_bin else None for i, row in enumerate(today_rows)]
    return {
        "area": area, "date": today.strftime("%Y-%m-%d"), "bin_minutes": bin_minutes,
        "t": [t0 + i * bin_minutes * 60 for i in range(n_bins)],
        "entries": entries, "exits": exits, "typical": typical,
        "typical_definition": f"mean of the same {bin_minutes}-minute bin over the previous {TYPICAL_DAYS} days",
        "typical_definition_zh": f"前 {TYPICAL_DAYS} 天同一 {bin_minutes} 分钟时段的平均值",
        "entries_today": sum(e for e in entries if e is not None),
        **comparisons(reader, area, today, bin_minutes),
    }


def has_data(reader: Reader, area: str, day: date) -> bool:
    """Whether anything was counted in `area` on that local date (its hour bucket exists; kept 2 years)."""
    return bool(reader.r.exists(reader.keys.hour(area, day.strftime("%Y%m%d"))))


def same_date_last_year(day: date) -> date:
    """Last year's same calendar date (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def comparisons(reader: Reader, area: str, today: datetime, bin_minutes: int) -> dict[str, Any]:
    """Today beside the same weekday last week (bins from minute buckets, kept 14 days) and last year's same date
    (hourly: only hour buckets are kept that long); each is null when nothing was counted that day."""
    week = (today - timedelta(days=7)).date()
    year = same_date_last_year(today.date())
    last_week = None
    if has_data(reader, area, week):
        s = day_start(datetime.combine(week, time(0)), reader.tz)
        entries = [row[1] for row in binned(reader.minutes_of(area, s, s + 86400 - 60), bin_minutes)]
        last_week = {"date": week.isoformat(), "weekday": week.strftime("%A"), "bin_minutes": bin_minutes,
                     "entries": entries, "total": sum(entries)}
    last_year = None
    if has_data(reader, area, year):
        rows = reader.hourly_range([area], datetime.combine(year, time(0)), datetime.combine(year, time(0)))
        entries = [int(r["in"]) for r in rows]  # type: ignore[call-overload]
        last_year = {"date": year.isoformat(), "weekday": year.strftime("%A"), "bin_minutes": 60,
                     "entries": entries, "total": sum(entries)}
    return {"last_week": last_week, "last_year": last_year}


def day_curve(reader: Reader, area: str, day: datetime, bin_minutes: int = 15) -> list[int]:
    """Entries of one local day in bins."""
    s = day_start(day, reader.tz)
    return [row[1] for row in binned(reader.minutes_of(area, s, s + 86400 - 60), bin_minutes)]
