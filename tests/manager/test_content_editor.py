"""The content editor on a real Redis and a copy of the content files: validation naming the field, preview
without writing, publish with history, schedules (start/end, days of week, daily window), and a schedule taking
effect on an open kiosk (a real Socket.IO client of a real server process) at its start time."""

from __future__ import annotations

import queue
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import redis
import requests
import socketio
import yaml

from core.mall.loader import load_mall
from server.manager.content_edit import active_at
from tests.conftest import ServerProcess, make_user
from tests.helpers import enrol_kiosk
from tests.manager.helpers import session, user

MALL = load_mall(None)
TZ = ZoneInfo(MALL.mall.timezone)
ZONE = "fridges"
NEW_TAGLINE = {"zh": "冬季冰箱节", "en": "Winter fridge festival"}


@pytest.fixture
def capp(make_app, content_root: Path):  # type: ignore[no-untyped-def]
    """The app reading the test's own copy of the content (content_root sets KIOSK_CONTENT_DIR first)."""
    return make_app()


def _manager(app, r: redis.Redis):  # type: ignore[no-untyped-def]
    svc = app.extensions["services"]
    u, pw = make_user(r, "boss", "manager", prefix=svc.keys.prefix)
    c = app.test_client()
    assert c.post("/login", data={"username": u, "password": pw}).status_code == 302
    return c, {"X-CSRF-Token": c.get("/api/v1/session").get_json()["csrf"]}, svc


def _local(dt: datetime) -> str:
    return dt.astimezone(TZ).strftime("%Y-%m-%dT%H:%M:%S")


def test_active_at_days_and_daily_window() -> None:
    tz = MALL.mall.timezone
    monday_10 = datetime(2026, 11, 30, 10, 0, tzinfo=TZ).timestamp()  # a Monday
    s = {"starts_ts": monday_10 - 86400 * 7, "ends_ts": monday_10 + 86400 * 7, "days": [6, 7], "daily_from": None, "daily_to": None}
    assert not active_at(s, monday_10, tz)
    assert active_at(s, monday_10 + 5 * 86400, tz)  # Saturday
    s.update(days=[], daily_from="09:00", daily_to="10:00")
    assert not active_at(s, monday_10, tz) and active_at(s, monday_10 - 60, tz)
    assert not active_at({**s, "daily_from": None, "daily_to": None}, monday_10 + 86400 * 7, tz), "ends is exclusive"
    assert not active_at({**s, "daily_from": None, "daily_to": None}, monday_10 - 86400 * 8, tz), "not before starts"


@pytest.mark.parametrize(("overrides", "field"), [
    ("nope", "overrides"),
    ({"featured": ["no-such-fridge"]}, "overrides.featured[0]"),
    ({"tagline": {"zh": "只有中文"}}, "overrides.tagline.en"),
    ({"products": [{"id": "x1", "name": {"zh": "甲", "en": "A"}, "brand": "B", "price": -5, "picture": {"shape": "fridge"}}]},
     "overrides.products[0].price"),
    ({"promotions": [{"id": "p1", "title": {"zh": "甲", "en": "A"}, "detail": {"zh": "甲", "en": "A"}, "products": ["ghost"]}]},
     "overrides.promotions[0].products"),
    ({"colour": "red"}, "overrides.colour"),
])
def test_invalid_overrides_are_a_400_naming_the_field(capp, r: redis.Redis, content_root: Path, overrides, field: str) -> None:  # type: ignore[no-untyped-def]
    c, h, _ = _manager(capp, r)
    before = (content_root / "zones" / f"{ZONE}.yaml").read_text()
    for method, path in (("POST", f"/api/v1/manager/content/{ZONE}/preview"), ("PUT", f"/api/v1/manager/content/{ZONE}")):
        res = c.open(path, method=method, json={"overrides": overrides}, headers=h)
        assert res.status_code == 400, (method, res.get_json())
        body = res.get_json()
        assert body["field"] == field and body["detail"] and body["error"] == "invalid", body
    assert (content_root / "zones" / f"{ZONE}.yaml").read_text() == before
    assert c.get(f"/api/v1/manager/content/{ZONE}").get_json()["history"] == []


def test_preview_then_publish_with_history(capp, r: redis.Redis, content_root: Path) -> None:  # type: ignore[no-untyped-def]
    c, h, svc = _manager(capp, r)
    assert c.post(f"/api/v1/manager/content/{ZONE}/preview", json={"overrides": {}}).status_code == 403  # CSRF
    assert c.get("/api/v1/manager/content/atlantis").status_code == 404
    over = {"tagline": NEW_TAGLINE, "featured": ["frost-300", "frost-520"]}
    before = (content_root / "zones" / f"{ZONE}.yaml").read_text()
    view = c.post(f"/api/v1/manager/content/{ZONE}/preview", json={"overrides": over}, headers=h).get_json()
    assert view["tagline"] == NEW_TAGLINE and [p["id"] for p in view["products"]] == ["frost-300", "frost-520"]
    assert (content_root / "zones" / f"{ZONE}.yaml").read_text() == before, "a preview writes nothing"
    assert svc.content.content.zone_view(ZONE)["tagline"] != NEW_TAGLINE

    res = c.put(f"/api/v1/manager/content/{ZONE}", json={"overrides": over, "note": "winter campaign"}, headers=h)
    assert res.status_code == 200, res.get_json()
    body = res.get_json()
    assert body["managed"] is True and body["overrides"] == over and body["in_force"] == "base"
    assert svc.content.content.zone_view(ZONE)["tagline"] == NEW_TAGLINE  # kiosks' content reloaded
    kiosk = c.get(f"/api/v1/kiosk/content/{ZONE}").get_json()
    assert kiosk["tagline"] == NEW_TAGLINE and kiosk["version"] == view["version"]
    hist = body["history"]
    publish = next(x for x in hist if x["action"] == "publish")
    assert publish["by"] == "Boss" and publish["note"] == "winter campaign" and publish["overrides"] == over
    assert publish["previous"] == {"featured": ["frost-520", "frost-300"]}, "the file's content before the first edit"
    assert "Managed by the manager page" in (content_root / "zones" / f"{ZONE}.yaml").read_text()
    # revert: the content before the first edit comes back, recorded as a new publish
    first = next(x for x in hist if x["action"] == "in_force")
    res = c.post(f"/api/v1/manager/content/{ZONE}/revert/{publish['id']}", headers=h)
    assert res.status_code == 200 and res.get_json()["entry"]["note"] == f"revert to #{publish['id']}"
    back = c.put(f"/api/v1/manager/content/{ZONE}", json={"overrides": publish["previous"]}, headers=h).get_json()
    assert back["overrides"] == {"featured": ["frost-520", "frost-300"]}
    assert svc.content.content.zone_view(ZONE)["tagline"] != NEW_TAGLINE
    res = c.post(f"/api/v1/manager/content/{ZONE}/revert/{first['id']}", headers=h)
    assert res.status_code == 200 and svc.content.content.zone_view(ZONE)["tagline"] == NEW_TAGLINE
    assert c.post(f"/api/v1/manager/content/{ZONE}/revert/99999", headers=h).get_json()["field"] == "history_id"
    # roles: staff may not edit content
    staff_u, staff_pw = make_user(r, "clerk", "staff", prefix=svc.keys.prefix)
    s = capp.test_client()
    s.post("/login", data={"username": staff_u, "password": staff_pw})
    assert s.get(f"/api/v1/manager/content/{ZONE}").status_code == 403


@pytest.mark.parametrize(("extra", "field"), [
    ({"starts": "tomorrow"}, "starts"),
    ({"starts": "2026-13-01T10:00"}, "starts"),
    ({"ends": "2020-01-01T10:00", "starts": "2019-01-01T10:00"}, "ends"),
    ({"ends": "2026-01-01T09:00", "starts": "2026-01-01T10:00"}, "ends"),
    ({"days": [0]}, "days"), ({"days": [8]}, "days"), ({"days": [1, 1]}, "days"), ({"days": "weekends"}, "days"),
    ({"daily_from": "25:00"}, "daily_from"), ({"daily_from": "12:00", "daily_to": "11:00"}, "daily_to"),
    ({"note": "x" * 201}, "note"),
    ({"overrides": {"featured": ["ghost"]}}, "overrides.featured[0]"),
])
def test_bad_schedules_are_a_400_naming_the_field(capp, r: redis.Redis, extra: dict, field: str) -> None:  # type: ignore[no-untyped-def]
    c, h, _ = _manager(capp, r)
    body = {"overrides": {"tagline": NEW_TAGLINE}, "starts": _local(datetime.now(TZ) + timedelta(days=1)), **extra}
    res = c.post(f"/api/v1/manager/content/{ZONE}/schedules", json=body, headers=h)
    assert res.status_code == 400 and res.get_json()["field"] == field, res.get_json()
    assert c.delete(f"/api/v1/manager/content/{ZONE}/schedules/s999", headers=h).get_json()["field"] == "schedule_id"


def test_schedule_takes_effect_on_an_open_kiosk_at_its_start_time(redis_url: str, r: redis.Redis, content_root: Path) -> None:
    srv = ServerProcess(redis_url, prefix="ce:", KIOSK_CONTENT_DIR=str(content_root), STAFFING_ENGINE="0").start()
    got: queue.Queue = queue.Queue()
    kiosk = socketio.Client(reconnection=False)
    kiosk.on("content", lambda v: got.put((time.time(), v)))
    try:
        s = session(srv.url, *user(r, "ce:", "boss", "manager"))
        kiosk.connect(srv.url, transports=["websocket"], wait_timeout=10,
                      auth={"kiosk_token": enrol_kiosk(r, "ce:", "fridges-k1", ZONE)})
        assert kiosk.call("subscribe", {"zone": ZONE, "kiosk": "fridges-k1"}, timeout=5)["ok"] is True
        base = requests.get(f"{srv.url}/api/v1/kiosk/content/{ZONE}", timeout=5).json()
        start = datetime.now(TZ).replace(microsecond=0) + timedelta(seconds=5)
        end = start + timedelta(seconds=6)
        weekday = start.isoweekday()
        res = s.post(f"{srv.url}/api/v1/manager/content/{ZONE}/schedules", timeout=5, json={
            "overrides": {"tagline": NEW_TAGLINE}, "starts": _local(start), "ends": _local(end),
            "days": [weekday], "note": "flash sale"})
        assert res.status_code == 201, res.text
        assert requests.get(f"{srv.url}/api/v1/kiosk/content/{ZONE}", timeout=5).json()["tagline"] == base["tagline"]
        t_on, view = got.get(timeout=15)
        assert view["tagline"] == NEW_TAGLINE and view["zone"] == ZONE
        assert start.timestamp() <= t_on < start.timestamp() + 4.5, t_on - start.timestamp()
        assert requests.get(f"{srv.url}/api/v1/kiosk/content/{ZONE}", timeout=5).json()["tagline"] == NEW_TAGLINE
        state = s.get(f"{srv.url}/api/v1/manager/content/{ZONE}", timeout=5).json()
        assert state["in_force"] == res.json()["id"] and state["schedules"][0]["active"] is True
        t_off, back = got.get(timeout=15)  # at its end the published base is in force again
        assert back["tagline"] == base["tagline"] and end.timestamp() <= t_off < end.timestamp() + 4.5
        actions = [x["action"] for x in s.get(f"{srv.url}/api/v1/manager/content/{ZONE}", timeout=5).json()["history"]]
        assert actions[:3] == ["in_force", "in_force", "schedule"]
    finally:
        kiosk.disconnect()
        srv.kill()


def test_state_lists_the_category_products_to_add_back(capp, r: redis.Redis, content_root: Path) -> None:  # type: ignore[no-untyped-def]
    """`featured` narrows what kiosks show; the catalog still offers every product of the category (and the zone file's
    own), so the editor can add one back."""
    c, h, _ = _manager(capp, r)
    kitchen = yaml.safe_load((content_root / "categories" / "kitchen.yaml").read_text(encoding="utf-8"))
    state = c.get(f"/api/v1/manager/content/{ZONE}").get_json()
    assert [p["id"] for p in state["view"]["products"]] == ["frost-520", "frost-300"]
    cat = state["catalog"]
    assert cat["category"] == "kitchen" and cat["title"] == kitchen["title"]
    assert [p["id"] for p in cat["products"]] == [p["id"] for p in kitchen["products"]]
    first = cat["products"][0]
    assert first["name"] == kitchen["products"][0]["name"] and first["price"] == kitchen["products"][0]["price"]
    assert [p["id"] for p in cat["promotions"]] == [p["id"] for p in kitchen.get("promotions", [])]
    extra = {"id": "frost-mini", "name": {"zh": "霜语迷你", "en": "Frost mini"}, "brand": "Frost", "price": 999,
             "picture": {"shape": "fridge"}}
    body = c.put(f"/api/v1/manager/content/{ZONE}", json={"overrides": {"products": [extra], "featured": ["frost-mini"]}},
                 headers=h).get_json()
    ids = [p["id"] for p in body["catalog"]["products"]]
    assert ids[-1] == "frost-mini" and "frost-300" in ids and body["catalog"]["products"][-1]["source"] == "zone"
    assert [p["id"] for p in body["view"]["products"]] == ["frost-mini"]
