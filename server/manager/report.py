"""Date-range report per area: entries, exits, peak occupancy, dwell where measured, checkout transactions and
conversion when the transactions feed has data (JSON for the page, CSV to download or print).

Occupancy is the running net of entries − exits within the business day, clamped at 0, restarting at 00:00
and at the opening time (the export's rule). Its resolution follows the data kept: minute buckets for the
last 14 days (`basis: minute`), hour buckets up to 2 years (`basis: hour`, the value at the end of each
hour, so a peak inside an hour is not seen).

Dwell (mean minutes a visitor stays) is Little's law on the minute series: person-minutes of occupancy ÷
entries. It is reported only where it is measured: minute basis, and the area's exits are counted too
(exits at least half the entries; a zone whose exit line misses people would otherwise look like a
zone nobody leaves). Otherwise `dwell_minutes` is null and `dwell_note` says why.

Transactions come from the checkout feed (per counter per minute, kept 14 days) and belong to the whole
mall: `transactions` and `conversion` (= transactions ÷ whole-mall entries) are set on the `mall` row when
the feed said anything in the range, else null.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from core.mall.schema import MALL_AREA, Mall
from server.manager import export
from server.store.clock import zone_info
from server.store.reads import Reader

MINUTE_DAYS = 14  # minute buckets are kept 14 days
MIN_EXIT_SHARE = 0.5  # exits below half the entries: the exit line misses people, dwell would be meaningless
COLUMNS = ["zone", "name_en", "name_zh", "from", "to", "entries", "exits", "peak_occupancy", "peak_at", "basis",
           "dwell_minutes", "transactions", "conversion"]

Transactions = Callable[[int, int], tuple[list[int], list[float], bool]]


def _day_start(d: date, tz: str) -> int:
    return int(datetime.combine(d, time(0), tzinfo=zone_info(tz)).timestamp())


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _minute_stats(reader: Reader, mall: Mall, areas: list[str], days: list[date], now: float) -> dict[str, dict[str, Any]]:
    """Per area over the days: peak running occupancy (and when), person-minutes, entries, exits."""
    tz = reader.tz
    opening = mall.mall.opening_time.hour * 60 + mall.mall.opening_time.minute
    out = {a: {"entries": 0, "exits": 0, "peak": 0, "peak_at": None, "person_minutes": 0} for a in areas}
    for d in days:
        t0 = _day_start(d, tz)
        end = min(t0 + 86400 - 60, int(now // 60 * 60))
        if end < t0:
            continue
        series = reader.minutes(areas, t0, end)
        for a, rows in series.items():
            s, occ = out[a], 0
            for i, (t, cin, cout) in enumerate(rows):
                if i == opening:
                    occ = 0
                occ = max(0, occ + cin - cout)
                s["entries"] += cin
                s["exits"] += cout
                s["person_minutes"] += occ
                if occ > s["peak"]:
                    s["peak"], s["peak_at"] = occ, t
    return out


def _hour_stats(reader: Reader, mall: Mall, areas: list[str], first: date, last: date, now: datetime) -> dict[str, dict[str, Any]]:
    out = {a: {"entries": 0, "exits": 0, "peak": 0, "peak_at": None, "person_minutes": None} for a in areas}
    for row in export.rows(reader, mall, areas, first, last, now):
        if row["entries"] is None:
            continue
        s = out[row["zone"]]
        s["entries"] += row["entries"]
        s["exits"] += row["exits"]
        if row["occupancy"] > s["peak"]:
            end_of_hour = datetime.combine(date.fromisoformat(row["date"]), time(row["hour"]), tzinfo=zone_info(reader.tz))
            s["peak"], s["peak_at"] = row["occupancy"], int(end_of_hour.timestamp()) + 3540
    return out


def build(reader: Reader, mall: Mall, areas: list[str], first: date, last: date, now: float,
          transactions: Transactions | None) -> dict[str, Any]:
    tz = reader.tz
    local_now = datetime.fromtimestamp(now, zone_info(tz))
    basis = "minute" if (local_now.date() - first).days < MINUTE_DAYS else "hour"
    if basis == "minute":
        stats = _minute_stats(reader, mall, areas, _days(first, last), now)
    else:
        stats = _hour_stats(reader, mall, areas, first, last, local_now)
    tx_total: int | None = None
    if transactions is not None and (local_now.date() - first).days < MINUTE_DAYS:
        start = _day_start(first, tz)
        end = min(_day_start(last, tz) + 86400 - 60, int(now // 60 * 60))
        tx, _busy, seen = transactions(start, end)
        tx_total = sum(tx) if seen else None
    rows: list[dict[str, Any]] = []
    for a in areas:
        s = stats[a]
        z = mall.zone(a)
        dwell, note = None, None
        if s["person_minutes"] is None:
            note = f"dwell needs minute data (kept {MINUTE_DAYS} days)"
        elif s["entries"] == 0:
            note = "no entries"
        elif s["exits"] < MIN_EXIT_SHARE * s["entries"]:
            note = "exits not measured well enough (fewer than half the entries)"
        else:
            dwell = round(s["person_minutes"] / s["entries"], 1)
        row: dict[str, Any] = {
            "zone": a, "name_en": z.name_en if z else "Whole mall", "name_zh": z.name_zh if z else "全场",
            "from": first.isoformat(), "to": last.isoformat(), "entries": s["entries"], "exits": s["exits"],
            "peak_occupancy": s["peak"],
            "peak_at": datetime.fromtimestamp(s["peak_at"], zone_info(tz)).strftime("%Y-%m-%d %H:%M") if s["peak_at"] else None,
            "basis": basis, "dwell_minutes": dwell, "dwell_note": note, "transactions": None, "conversion": None,
        }
        if a == MALL_AREA and tx_total is not None:
            row["transactions"] = tx_total
            row["conversion"] = round(tx_total / s["entries"], 4) if s["entries"] else None
        rows.append(row)
    return {"from": first.isoformat(), "to": last.isoformat(), "timezone": tz, "basis": basis,
            "generated": local_now.strftime("%Y-%m-%d %H:%M"), "columns": COLUMNS, "rows": rows,
            "transactions_feed": tx_total is not None,
            "definitions": {
                "peak_occupancy": "highest running net of entries - exits within a business day (clamped at 0), "
                                  + ("per minute" if basis == "minute" else "at the end of each hour"),
                "dwell_minutes": "person-minutes of occupancy / entries (Little's law), where exits are counted",
                "conversion": "checkout transactions / whole-mall entries (mall row, when the transactions feed has data)",
            }}


def to_csv(report: dict[str, Any]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for row in report["rows"]:
        w.writerow({k: ("" if row[k] is None else row[k]) for k in COLUMNS})
    return buf.getvalue()
