"""Export edges on a real Redis: hours that have not started are empty (not carried forward), future dates are a
4xx naming the field, a zone list (comma-separated or repeated), and the options the form's zone picker needs."""

from __future__ import annotations

import csv
import io
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import redis

from core.mall.loader import load_mall
from core.wire import CountEvent
from server.manager import export
from server.store.counts import CountStore
from tests.conftest import make_user

MALL = load_mall(None)
TZ = ZoneInfo(MALL.mall.timezone)


def _login(client, r: redis.Redis, svc) -> None:  # type: ignore[no-untyped-def]
    user, pw = make_user(r, "boss", "manager", prefix=svc.keys.prefix)
    assert client.post("/login", data={"username": user, "password": pw}).status_code == 302


def _store(r: redis.Redis, svc) -> CountStore:  # type: ignore[no-untyped-def]
    return CountStore(r, svc.keys, MALL.mall.timezone, MALL.mall.opening_time)


def test_hours_after_now_are_empty_not_carried_forward(r: redis.Redis, svc) -> None:  # type: ignore[no-untyped-def]
    day = (datetime.now(TZ) - timedelta(days=1)).replace(hour=10, minute=15, second=0, microsecond=0)
    _store(r, svc).apply_batch("cam-fridges-1", "s", "fridges", [CountEvent.of(1, day.timestamp(), 7, 2)], time.time())
    now = day.replace(hour=11, minute=30)  # as if it were 11:30 on that day
    rows = export.rows(svc.reader, MALL, ["fridges"], day.date(), day.date(), now)
    by_hour = {x["hour"]: x for x in rows}
    assert (by_hour[10]["entries"], by_hour[10]["exits"], by_hour[10]["occupancy"]) == (7, 2, 5)
    assert (by_hour[11]["entries"], by_hour[11]["occupancy"]) == (0, 5), "the current hour holds what was counted so far"
    assert all(by_hour[h]["entries"] is None and by_hour[h]["occupancy"] is None for h in range(12, 24))
    # without a cut-off (a past day seen from a later day) every hour is filled and occupancy carries
    full = {x["hour"]: x for x in export.rows(svc.reader, MALL, ["fridges"], day.date(), day.date(), now + timedelta(days=1))}
    assert full[23]["occupancy"] == 5 and full[23]["entries"] == 0
    csv_rows = list(csv.DictReader(io.StringIO(export.to_csv(rows))))
    assert csv_rows[12]["entries"] == csv_rows[12]["occupancy"] == "" and csv_rows[10]["occupancy"] == "5"


def test_today_through_the_api_stops_at_the_current_hour(app, client, r: redis.Redis, svc) -> None:  # type: ignore[no-untyped-def]
    _login(client, r, svc)
    t = time.time() - 1
    _store(r, svc).apply_batch("cam-fridges-1", "s", "fridges", [CountEvent.of(1, t, 3, 0)], time.time())
    before = datetime.now(TZ)
    body = client.get(f"/api/v1/manager/export?from={before.date()}&zones=fridges").get_json()
    after = datetime.now(TZ)
    hours = {x["hour"]: x for x in body["rows"]}
    assert hours[datetime.fromtimestamp(t, TZ).hour]["entries"] == 3
    empty = [h for h, x in hours.items() if x["occupancy"] is None]
    assert empty in (list(range(before.hour + 1, 24)), list(range(after.hour + 1, 24)))
    assert all(hours[h]["entries"] is None and hours[h]["exits"] is None for h in empty)
    assert "null" in body["future_hours"]


@pytest.mark.parametrize("which", ["from", "to"])
def test_future_dates_are_a_4xx_the_form_can_show(app, client, r: redis.Redis, svc, which: str) -> None:  # type: ignore[no-untyped-def]
    _login(client, r, svc)
    today = datetime.now(TZ).date()
    tomorrow = today + timedelta(days=1)
    params = {"from": tomorrow, "to": tomorrow} if which == "from" else {"from": today, "to": tomorrow}
    for path in ("/api/v1/manager/export", "/api/v1/manager/export.csv"):
        res = client.get(path, query_string=params)
        assert res.status_code == 400, res.data
        body = res.get_json()
        assert body["field"] == which and body["error"] == "out_of_range"
        assert str(tomorrow) in body["detail"] and str(today) in body["detail"] and "future" in body["detail"]


def test_zone_list_comma_separated_or_repeated(app, client, r: redis.Redis, svc) -> None:  # type: ignore[no-untyped-def]
    _login(client, r, svc)
    day = str(datetime.now(TZ).date() - timedelta(days=2))
    a = client.get(f"/api/v1/manager/export?from={day}&zones=fridges,mall").get_json()
    b = client.get(f"/api/v1/manager/export?from={day}&zones=fridges&zones=mall").get_json()
    assert len(a["rows"]) == 48 and a["rows"] == b["rows"]
    assert {x["zone"] for x in a["rows"]} == {"fridges", "mall"}
    assert client.get(f"/api/v1/manager/export?from={day}&zones=fridges&zones=fridges").get_json()["field"] == "zones"
    assert client.get(f"/api/v1/manager/export?from={day}&zones=atlantis").get_json()["field"] == "zones"
    every = client.get(f"/api/v1/manager/export?from={day}&zones=").get_json()
    assert len(every["rows"]) == 24 * (len(MALL.zones) + 1)


def test_export_options_for_the_zone_picker(app, client, r: redis.Redis, svc) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/manager/export/options").status_code == 401
    _login(client, r, svc)
    o = client.get("/api/v1/manager/export/options").get_json()
    assert o["today"] == str(datetime.now(TZ).date()) and o["timezone"] == MALL.mall.timezone
    assert [z["id"] for z in o["zones"]] == [z.id for z in MALL.zones] + ["mall"]
    assert all(z["name_zh"] and z["name_en"] for z in o["zones"])
    assert o["earliest"] < o["today"] and o["max_days"] == export.MAX_DAYS and o["columns"] == export.COLUMNS
