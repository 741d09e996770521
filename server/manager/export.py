"""Hourly export: entries, exits and occupancy per zone per hour for a date range (CSV or JSON).

Occupancy per hour is derived from the hour buckets, not sampled: it is the running net of
entries − exits within the business day, clamped at 0 after every hour, read at the END of the hour.
The running net restarts at 0 at 00:00 of every date and again at the start of the hour that contains
the opening time (the store resets live occupancy at opening). So for a mall opening at 10:00 the
occupancy of hour 10 is max(0, in₁₀ − out₁₀), of hour 11 max(0, occ₁₀ + in₁₁ − out₁₁), and so on.

Hours of today that have not started are left empty (null in JSON, an empty cell in CSV): nothing was
counted yet, and carrying the occupancy forward would report people who are not there. The current hour
holds what was counted so far. Dates after today are refused (400, naming `from` or `to`).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from typing import Any

from core.mall.schema import MALL_AREA, Mall
from server.errors import ApiError
from server.store.keys import HOUR_TTL_SECONDS
from server.store.reads import Reader

MAX_DAYS = 366
COLUMNS = ["date", "hour", "zone", "name_en", "floor", "entries", "exits", "occupancy"]


def parse_day(raw: str | None, name: str, default: date | None = None) -> date:
    if raw is None or raw == "":
        if default is None:
            raise ApiError(400, "missing", f"query parameter {name} is required (YYYY-MM-DD)", name)
        return default
    try:
        return date.fromisoformat(raw) if len(raw) == 10 else _bad(raw, name)
    except ValueError:
        return _bad(raw, name)


def _bad(raw: str, name: str) -> date:
    raise ApiError(400, "invalid", f"{name} must be a date YYYY-MM-DD, got {raw[:40]!r}", name)


def parse_range(args: Any, today: date) -> tuple[date, date]:
    first = parse_day(args.get("from"), "from")
    last = parse_day(args.get("to"), "to", default=first)
    if first > today:
        raise ApiError(400, "out_of_range", f"from ({first}) is in the future: the last day with data is today, "
                       f"{today} (mall time)", "from")
    if last < first:
        raise ApiError(400, "invalid", f"to ({last}) is before from ({first})", "to")
    if last > today:
        raise ApiError(400, "out_of_range", f"to ({last}) is in the future: the last day with data is today, "
                       f"{today} (mall time)", "to")
    if (last - first).days + 1 > MAX_DAYS:
        raise ApiError(400, "out_of_range", f"at most {MAX_DAYS} days per export", "to")
    return first, last


def parse_areas(raw: str | list[str] | None, mall: Mall) -> list[str]:
    """`zones=a,b` or `zones=a&zones=b` (or both); empty = every zone and the whole mall."""
    parts = [p for p in (raw if isinstance(raw, list) else [raw]) if p]
    areas = [a.strip() for part in parts for a in part.split(",") if a.strip()]
    if not parts:
        return [z.id for z in mall.zones] + [MALL_AREA]
    for a in areas:
        if a != MALL_AREA and mall.zone(a) is None:
            raise ApiError(400, "invalid", f"unknown zone {a[:64]!r}", "zones")
    if len(set(areas)) != len(areas) or not areas:
        raise ApiError(400, "invalid", "zones must be a comma-separated list of distinct zone ids", "zones")
    return areas


def options(mall: Mall, today: date) -> dict[str, Any]:
    """The export form's choices: dates from the hour buckets' retention up to today, and every area."""
    zones = [{"id": z.id, "name_en": z.name_en, "name_zh": z.name_zh, "floor": z.floor, "category": z.category}
             for z in mall.zones]
    return {"today": today.isoformat(), "earliest": (today - timedelta(days=HOUR_TTL_SECONDS // 86400 - 1)).isoformat(),
            "max_days": MAX_DAYS, "timezone": mall.mall.timezone, "formats": ["csv", "json"], "columns": COLUMNS,
            "zones": [*zones, {"id": MALL_AREA, "name_en": "Whole mall", "name_zh": "全场", "floor": None, "category": None}],
            "zones_parameter": "zones=a,b (or zones=a&zones=b); omitted = every zone and the whole mall"}


def rows(reader: Reader, mall: Mall, areas: list[str], first: date, last: date,
         now: datetime | None = None) -> list[dict[str, Any]]:
    """`now` (mall-local): hours after its hour are not carried forward but left empty."""
    opening_hour = mall.mall.opening_time.hour
    cutoff = (now.date().isoformat(), now.hour) if now is not None else None
    raw = reader.hourly_range(areas, datetime.combine(first, time(0)), datetime.combine(last, time(0)))
    out: list[dict[str, Any]] = []
    occ: dict[tuple[str, str], int] = {}
    for r in raw:
        area, day, hour = str(r["area"]), str(r["date"]), int(r["hour"])  # type: ignore[call-overload]
        key = (area, day)
        if hour == 0 or hour == opening_hour:
            occ[key] = 0
        occ[key] = max(0, occ.get(key, 0) + int(r["in"]) - int(r["out"]))  # type: ignore[call-overload]
        z = mall.zone(area)
        row = {"date": day, "hour": hour, "zone": area, "name_en": z.name_en if z else "Whole mall",
               "floor": z.floor if z else None, "entries": r["in"], "exits": r["out"], "occupancy": occ[key]}
        if cutoff is not None and (day, hour) > cutoff:
            row.update(entries=None, exits=None, occupancy=None)
        out.append(row)
    return out


def to_csv(data: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    for row in data:
        w.writerow({k: ("" if row[k] is None else row[k]) for k in COLUMNS})
    return buf.getvalue()
