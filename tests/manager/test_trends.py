"""Trends and the date-range report on a real Redis: same weekday last week and last year's same date when data
exists, and per-area entries, peak occupancy, dwell where measured, transactions and conversion (JSON and CSV)."""

from __future__ import annotations

import csv
import io
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import redis

from core.mall.loader import load_mall
from core.wire import CountEvent
from server.checkout.models import TransactionRecord
from server.manager.series import same_date_last_year
from server.store.counts import CountStore
from tests.conftest import make_user

MALL = load_mall(None)
TZ = ZoneInfo(MALL.mall.timezone)
ENTRANCE = next(c.id for c in MALL.cameras if c.entrance)


def _login(client, r: redis.Redis, svc) -> None:  # type: ignore[no-untyped-def]
    user, pw = make_user(r, "boss", "manager", prefix=svc.keys.prefix)
    assert client.post("/login", data={"username": user, "password": pw}).status_code == 302


class Feed:
    """Counts written by the real store, with event times of our choosing (as a camera's late batch would)."""

    def __init__(self, r: redis.Redis, svc) -> None:  # type: ignore[no-untyped-def]
        self.store = CountStore(r, svc.keys, MALL.mall.timezone, MALL.mall.opening_time)
        self.seq = 0

    def add(self, camera: str, area: str, at: datetime, cin: int, cout: int = 0) -> None:
        self.seq += 1
        self.store.apply_batch(camera, "s", area, [CountEvent.of(self.seq, at.timestamp(), cin, cout)], time.time())


def test_same_date_last_year_handles_29_february() -> None:
    from datetime import date

    assert same_date_last_year(date(2028, 2, 29)) == date(2027, 2, 28)
    assert same_date_last_year(date(2026, 12, 1)) == date(2025, 12, 1)


def test_footfall_compares_with_last_week_and_last_year_when_data_exists(app, client, r: redis.Redis, svc) -> None:  # type: ignore[no-untyped-def]
    _login(client, r, svc)
    empty = client.get("/api/v1/manager/footfall?area=mall").get_json()
    assert empty["last_week"] is None and empty["last_year"] is None, "no data: no comparison line"
    assert "7" in empty["typical_definition_zh"] and "平均" in empty["typical_definition_zh"]  # the chart's note in Chinese too
    today = datetime.now(TZ)
    week = (today - timedelta(days=7)).replace(hour=14, minute=7, second=0, microsecond=0)
    year = datetime.combine(same_date_last_year(today.date()), week.time(), tzinfo=TZ).replace(hour=16)
    feed = Feed(r, svc)
    feed.add(ENTRANCE, "mall", week, 11)
    feed.add(ENTRANCE, "mall", week + timedelta(minutes=30), 4)
    feed.add(ENTRANCE, "mall", year, 23)
    body = client.get("/api/v1/manager/footfall?area=mall").get_json()
    lw, ly = body["last_week"], body["last_year"]
    assert lw["date"] == week.date().isoformat() and lw["weekday"] == today.strftime("%A")
    assert len(lw["entries"]) == len(body["t"]) == 288 and lw["total"] == 15
    assert lw["entries"][(14 * 60 + 7) // 5] == 11 and lw["entries"][(14 * 60 + 37) // 5] == 4
    assert ly["date"] == year.date().isoformat() and ly["bin_minutes"] == 60 and len(ly["entries"]) == 24
    assert ly["entries"][16] == 23 and ly["total"] == 23
    # a zone with nothing counted on those days has no comparison even though the mall has
    other = client.get("/api/v1/manager/footfall?area=fridges").get_json()
    assert other["last_week"] is None and other["last_year"] is None
    # the zone detail carries last year's same date too
    assert client.get("/api/v1/manager/zones/mall").get_json()["curve"]["last_year"]["entries"][16] == 23
    assert client.get("/api/v1/manager/zones/fridges").get_json()["curve"]["last_year"] is None


def test_report_entries_peak_dwell_transactions_conversion(app, client, r: redis.Redis, svc) -> None:  # type: ignore[no-untyped-def]
    _login(client, r, svc)
    day = (datetime.now(TZ) - timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    feed = Feed(r, svc)
    # fridges: 10 in at 10:00, 5 out at 10:30, 8 in at 11:00, 13 out at 11:20 → occupancy 10, 5, 13, 0
    feed.add("cam-fridges-1", "fridges", day, 10)
    feed.add("cam-fridges-1", "fridges", day + timedelta(minutes=30), 0, 5)
    feed.add("cam-fridges-1", "fridges", day + timedelta(minutes=60), 8)
    feed.add("cam-fridges-1", "fridges", day + timedelta(minutes=80), 0, 13)
    # phones-5g: people come in, the exit line misses them → dwell is not measured there
    cam5g = next(c.id for c in MALL.cameras if c.zone == "phones-5g")
    feed.add(cam5g, "phones-5g", day + timedelta(minutes=5), 20, 2)
    feed.add(ENTRANCE, "mall", day + timedelta(minutes=1), 200, 50)
    q = f"from={day.date()}&zones=fridges,phones-5g,mall"
    rep = client.get("/api/v1/manager/report?" + q).get_json()
    assert rep["basis"] == "minute" and rep["transactions_feed"] is False
    rows = {x["zone"]: x for x in rep["rows"]}
    f = rows["fridges"]
    assert (f["entries"], f["exits"], f["peak_occupancy"]) == (18, 18, 13)
    assert f["peak_at"] == (day + timedelta(minutes=60)).strftime("%Y-%m-%d %H:%M")
    assert f["dwell_minutes"] == round((10 * 30 + 5 * 30 + 13 * 20) / 18, 1)
    p = rows["phones-5g"]
    assert p["entries"] == 20 and p["dwell_minutes"] is None and "exits" in p["dwell_note"]
    assert rows["mall"]["transactions"] is None and rows["mall"]["conversion"] is None

    # the transactions feed: 30 payments at the tills that day → conversion = 30 / 200 entries
    minute = int((day + timedelta(hours=2)).timestamp()) // 60 * 60
    counters = [c.id for c in MALL.checkout.counters][:2]
    svc.staffing.transactions.apply([TransactionRecord(counter=counters[0], minute=minute, transactions=18),
                                     TransactionRecord(counter=counters[1], minute=minute + 60, transactions=12)])
    rep = client.get("/api/v1/manager/report?" + q).get_json()
    mall_row = next(x for x in rep["rows"] if x["zone"] == "mall")
    assert rep["transactions_feed"] is True and mall_row["transactions"] == 30 and mall_row["conversion"] == 0.15
    assert all(x["transactions"] is None for x in rep["rows"] if x["zone"] != "mall")

    res = client.get("/api/v1/manager/report.csv?" + q)
    assert res.status_code == 200 and res.mimetype == "text/csv" and "attachment" in res.headers["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(res.get_data(as_text=True))))
    assert [x["zone"] for x in table] == ["fridges", "phones-5g", "mall"]
    assert table[0]["peak_occupancy"] == "13" and table[1]["dwell_minutes"] == "" and table[2]["conversion"] == "0.15"
    assert client.get("/api/v1/manager/report?" + q + "&format=csv").get_data(as_text=True) == res.get_data(as_text=True)


def test_report_beyond_the_minute_retention_is_hourly_without_dwell(app, client, r: redis.Redis, svc) -> None:  # type: ignore[no-untyped-def]
    _login(client, r, svc)
    day = (datetime.now(TZ) - timedelta(days=40)).replace(hour=12, minute=10, second=0, microsecond=0)
    feed = Feed(r, svc)
    feed.add("cam-fridges-1", "fridges", day, 9)
    feed.add("cam-fridges-1", "fridges", day + timedelta(hours=1), 3, 6)
    rep = client.get(f"/api/v1/manager/report?from={day.date()}&to={(day + timedelta(days=2)).date()}&zones=fridges").get_json()
    row = rep["rows"][0]
    assert rep["basis"] == "hour" and (row["entries"], row["exits"], row["peak_occupancy"]) == (12, 6, 9)
    assert row["peak_at"] == day.strftime("%Y-%m-%d") + " 12:59" and row["dwell_minutes"] is None
    assert "minute data" in row["dwell_note"]


def test_report_bad_parameters_are_4xx_naming_the_field(app, client, r: redis.Redis, svc) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/manager/report?from=2026-01-01").status_code == 401
    _login(client, r, svc)
    tomorrow = (datetime.now(TZ) + timedelta(days=1)).date()
    for query, field in [("", "from"), (f"from={tomorrow}", "from"), ("from=2026-01-01&to=2025-01-01", "to"),
                         ("from=2026-01-01&zones=atlantis", "zones"), ("from=2026-01-01&format=pdf", "format")]:
        res = client.get("/api/v1/manager/report?" + query)
        assert res.status_code == 400 and res.get_json()["field"] == field, (query, res.get_json())
