"""The manager page's side of issue 14 in real Chromium against a real server: the alert badge counts only
unacknowledged alerts and the list is ordered by severity, a new assistance request pings the inbox and shows
how long it has waited, and the export form shows a refusal in place instead of a raw JSON page."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import redis
import requests
from playwright.sync_api import expect

from core.mall.loader import load_mall
from server.kiosk.enrol import HEADER
from tests.browser import chromium, console_errors
from tests.conftest import ServerProcess
from tests.helpers import enrol_kiosk
from tests.manager.helpers import Camera, session, user

MALL = load_mall(None)
TZ = ZoneInfo(MALL.mall.timezone)


def _login(page, base: str, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/manager")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/manager")
    page.wait_for_selector("#conn.online")


def test_badge_order_inbox_ping_and_export_refusal(redis_url: str, r: redis.Redis) -> None:
    srv = ServerProcess(redis_url, prefix="fb:", STAFFING_ENGINE="0", CAMERA_OFFLINE_SECONDS="3").start()
    try:
        u, pw = user(r, "fb:", "boss", "manager")
        api = session(srv.url, u, pw)
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            errors = console_errors(page)
            _login(page, srv.url, u, pw)
            # a warning (92 % of one zone) then a critical (a camera silent after reporting)
            z = MALL.zone("phones-5g")
            cam5g = Camera(srv.url, r, "fb:", next(c.id for c in MALL.cameras if c.zone == z.id))
            cam5g.send([(time.time(), -(-z.capacity * 92 // 100), 0)])
            expect(page.locator("#alerts li.alert.sev-warning[data-alert='capacity:phones-5g']")).to_be_visible(timeout=6000)
            silent = Camera(srv.url, r, "fb:", "cam-fridges-1")
            silent.heartbeat()
            first = page.locator("#alerts li.alert").first
            expect(first).to_have_attribute("data-alert", "camera:cam-fridges-1", timeout=10000)  # critical on top
            expect(page.locator("#alert-count")).to_have_text("2")
            first.locator("button.ack").click()
            expect(page.locator("#alert-count")).to_have_text("1")  # the badge: unacknowledged only
            assert page.locator("#alerts li.alert").count() == 2

            # a kiosk calls staff: the inbox pings once and shows the wait
            pings = int(page.locator("#assist-card").get_attribute("data-pings") or 0)
            res = requests.post(srv.url + "/api/v1/assist", json={"zone": "fridges", "kiosk": "fb-k1", "reason": "other"},
                                headers={HEADER: enrol_kiosk(r, "fb:", "fb-k1", "fridges")}, timeout=5)
            assert res.status_code == 201
            expect(page.locator("#assist-card")).to_have_class(re.compile(r"\bping\b"), timeout=3000)
            expect(page.locator("#assist-card")).to_have_attribute("data-pings", str(pings + 1))
            expect(page.locator(f"#assist li[data-request='{res.json()['id']}']")).to_contain_text(re.compile(r"waiting \d+ s"))

            # export: a future date typed into the form is refused in the form, the page stays
            tomorrow = (datetime.now(TZ) + timedelta(days=1)).strftime("%Y-%m-%d")
            page.fill("#ex-to", tomorrow)
            page.dispatch_event("#ex-to", "change")
            expect(page.locator("#ex-note")).to_contain_text("after today")
            expect(page.locator("#ex-csv")).to_have_class(re.compile(r"\bdisabled\b"))
            # the server's own refusal (here: a zone the picker should never offer) is shown the same way
            page.fill("#ex-to", datetime.now(TZ).strftime("%Y-%m-%d"))
            page.dispatch_event("#ex-to", "change")
            expect(page.locator("#ex-note")).not_to_contain_text("after today")
            page.evaluate("import('/static/manager/panels.js').then((m) => m.setExportZones(['atlantis']))")
            expect(page.locator("#ex-csv")).to_have_attribute("href", re.compile("zones=atlantis"))
            page.locator("#ex-csv").click()
            expect(page.locator("#ex-note")).to_contain_text("unknown zone 'atlantis'")
            assert page.url.endswith("/manager")
            page.evaluate("import('/static/manager/panels.js').then((m) => m.setExportZones(['fridges', 'mall']))")
            with page.expect_download() as dl:
                page.locator("#ex-csv").click()
            assert dl.value.suggested_filename.endswith(".csv")
            refused = [e for e in errors if "status of 400" in e]
            assert len(refused) == 1 and [e for e in errors if e not in refused] == [], errors  # only the deliberate 400
        assert api.get(srv.url + "/api/v1/manager/alerts", timeout=5).json()["unacknowledged"] >= 1
    finally:
        srv.kill()
