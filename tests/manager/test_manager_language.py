"""The manager page in Chinese and English (one tap, remembered, names instead of ids) and in mall time
(24-hour, labelled) whatever the browser's own time zone, in real Chromium against a real server."""

from __future__ import annotations

import re
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import redis
import requests
from playwright.sync_api import expect

from core.mall.loader import load_mall
from tests.browser import log_in, open_page, submit_login
from tests.conftest import ServerProcess
from tests.manager.helpers import Camera, session, user

MALL = load_mall(None)
TZ = ZoneInfo(MALL.mall.timezone)


def test_chinese_and_english_remembered_with_names_not_ids(browser, live: ServerProcess, r: redis.Redis) -> None:  # type: ignore[no-untyped-def]
    u, pw = user(r, "t:", "lang-boss", "manager")
    Camera(live.url, r, "t:", "cam-fridges-1").send([(time.time(), -(-MALL.zone("fridges").capacity * 95 // 100), 0)])  # a 95 % alert
    categories = requests.get(live.url + "/api/v1/mall", timeout=5).json()["categories"]
    zone = MALL.zone("fridges")
    assert set(categories) == {z.category for z in MALL.zones}
    assert categories[zone.category]["zh"] != zone.category  # a name from the content, not the id
    ctx, page, errors = open_page(browser, 1366, 768, locale="en-US")
    log_in(page, live.url, u, pw)
    row = page.locator("tr[data-zone=fridges]")
    expect(page.locator("body")).to_have_attribute("data-lang", "en")  # an English browser starts in English
    expect(row.locator("td[data-k=name]")).to_have_text(zone.name_en)
    expect(row.locator("td[data-k=category]")).to_have_text(categories[zone.category]["en"])
    alert = page.locator(f"#alerts li.alert[data-alert='capacity:{zone.id}'] .msg")
    expect(alert).to_contain_text(zone.name_en, timeout=8000)  # the server's English message
    page.locator("#lang").click()  # one tap
    expect(page.locator("body")).to_have_attribute("data-lang", "zh")
    zh = next(a for a in session(live.url, u, pw).get(live.url + "/api/v1/manager/alerts", timeout=5).json()["active"]
              if a["id"] == f"capacity:{zone.id}")["message_zh"]
    assert zone.name_zh in zh
    expect(alert).to_have_text(zh)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(row.locator("td[data-k=name]")).to_have_text(zone.name_zh)
    expect(row.locator("td[data-k=category]")).to_have_text(categories[zone.category]["zh"])
    expect(row.locator("td[data-k=floor]")).to_have_text(next(f.name_zh for f in MALL.floors if f.id == zone.floor))
    expect(page.locator("#zones th[data-sort=name]")).to_have_text("体验区")
    expect(page.locator(f"#f-cat option[data-category='{zone.category}']")).to_have_text(categories[zone.category]["zh"])
    expect(page.locator("#floor-tabs .tab").first).to_have_text(MALL.floors[0].name_zh)
    expect(page.locator("#logout")).to_have_text("退出登录")
    expect(page.locator("#conn")).to_have_text("实时")
    page.reload()  # remembered on this browser
    page.wait_for_selector("#conn.online")
    expect(page.locator("body")).to_have_attribute("data-lang", "zh")
    expect(row.locator("td[data-k=name]")).to_have_text(zone.name_zh)
    page.locator("#lang").click()
    expect(page.locator("body")).to_have_attribute("data-lang", "en")
    expect(row.locator("td[data-k=name]")).to_have_text(zone.name_en)
    assert errors == [], errors
    ctx.close()


def test_the_login_page_chooses_the_language_the_manager_page_keeps(browser, live: ServerProcess, r: redis.Redis) -> None:  # type: ignore[no-untyped-def]
    u, pw = user(r, "t:", "lang-clerk", "staff")
    ctx, page, errors = open_page(browser, 1280, 800, locale="en-US")
    page.goto(live.url + "/login")
    expect(page.locator("button[type=submit]")).to_have_text("Log in")
    page.locator("#lang").click()
    expect(page.locator("button[type=submit]")).to_have_text("登录")
    expect(page.locator("label").first).to_contain_text("用户名")
    submit_login(page, u, pw)
    expect(page.locator("body")).to_have_attribute("data-lang", "zh")
    expect(page.locator("#assist-card h2")).to_have_text("求助请求")
    expect(page.locator("#as-count")).to_have_text("0 个待处理")
    assert errors == [], errors
    ctx.close()


def test_every_time_is_mall_time_24_hour_and_labelled(browser, live: ServerProcess, r: redis.Redis) -> None:  # type: ignore[no-untyped-def]
    u, pw = user(r, "t:", "time-boss", "manager")
    # a browser far from the mall, in a 12-hour locale: the page still shows the mall's clock
    ctx, page, errors = open_page(browser, 1920, 1080, locale="en-US", timezone_id="America/Los_Angeles")
    log_in(page, live.url, u, pw)
    clock = page.locator("#mall-clock")
    expect(clock).to_contain_text("Mall time")
    expect(clock).to_contain_text("GMT+8")
    shown = re.search(r"(\d\d):(\d\d)", clock.inner_text())
    assert shown, clock.inner_text()
    now = datetime.now(TZ)
    minutes = int(shown.group(1)) * 60 + int(shown.group(2))
    assert min(abs(minutes - (now.hour * 60 + now.minute)) % 1440, 1440 - abs(minutes - (now.hour * 60 + now.minute)) % 1440) <= 1
    # the counters' audit times: the same instants as the API's, written in mall time
    api = session(live.url, u, pw)
    counters = api.get(live.url + "/api/v1/counters", timeout=5).json()["counters"]
    closed = next(c["id"] for c in counters if c["state"] != "open")
    assert api.post(f"{live.url}/api/v1/counters/{closed}", json={"state": "open", "reason": "time test"}, timeout=5).status_code == 200
    audit = api.get(live.url + "/api/v1/counters?audit_limit=6", timeout=5).json()["audit"]
    at = datetime.fromtimestamp(audit[0]["ts"], TZ).strftime("%H:%M:%S")
    expect(page.locator("#audit li").first).to_contain_text(at, timeout=3000)
    text = page.locator("body").inner_text()
    assert not re.search(r"\b\d{1,2}:\d\d(:\d\d)? ?(AM|PM|am|pm)\b", text), "12-hour time on the page"
    page.locator("#lang").click()
    expect(clock).to_contain_text("商场时间")
    assert errors == [], errors
    ctx.close()
