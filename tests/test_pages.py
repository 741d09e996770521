"""The minimal pages in real Chromium: kiosk index, a zone's kiosk with live occupancy, the manager list."""

from __future__ import annotations

import time

import requests
from playwright.sync_api import expect

from tests.browser import chromium, console_errors
from tests.conftest import ROOT, ServerProcess, make_user
from tests.helpers import auth, ev

SHOTS = ROOT / "test-artifacts" / "screenshots"


def test_kiosk_index_lists_every_zone(live: ServerProcess) -> None:
    with chromium() as browser:
        page = browser.new_page()
        errors = console_errors(page)
        page.goto(live.url + "/kiosk/")
        page.wait_for_selector("a.tile")
        n = page.locator("a.tile").count()
        mall = requests.get(live.url + "/api/v1/mall", timeout=5).json()
        assert n == len(mall["zones"]) >= 52
        page.wait_for_selector("#conn.online")
        assert errors == []


def test_zone_kiosk_changes_within_a_second_of_an_ingest(live: ServerProcess, tokens) -> None:  # type: ignore[no-untyped-def]
    tok = tokens.issue("cam-hotpot-cold-chain-1")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1080, "height": 1920})
        errors = console_errors(page)
        page.goto(live.url + "/kiosk/hotpot-cold-chain")
        page.wait_for_selector("#conn.online")
        expect(page.locator("#occupancy")).to_have_text("0")
        assert "火锅" in page.locator("#zone-zh").inner_text()
        t0 = time.monotonic()
        res = requests.post(live.url + "/api/v1/cameras/cam-hotpot-cold-chain-1/events",
                            json={"events": [ev(1, 7, 0)]}, headers=auth(tok), timeout=5)
        assert res.status_code == 200
        expect(page.locator("#occupancy")).to_have_text("7", timeout=1000)
        assert time.monotonic() - t0 < 1.0
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "minimal-kiosk-hotpot-portrait.png"))
        assert errors == []


def test_manager_page_needs_login_then_shows_live_zone_numbers(live: ServerProcess, tokens, r) -> None:  # type: ignore[no-untyped-def]
    user, pw = make_user(r)
    tok = tokens.issue("cam-fridges-1")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        errors = console_errors(page)
        page.goto(live.url + "/manager")
        assert "/login" in page.url
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", pw)
        page.click("button[type=submit]")
        page.wait_for_url("**/manager")
        page.wait_for_selector("#conn.online")
        rows = page.locator("#zones tbody tr")
        assert rows.count() >= 52
        requests.post(live.url + "/api/v1/cameras/cam-fridges-1/events", json={"events": [ev(1, 4, 1)]}, headers=auth(tok), timeout=5)
        expect(page.locator("tr[data-zone=fridges] td[data-k=in_15m]")).to_have_text("4", timeout=1000)
        expect(page.locator("tr[data-zone=fridges] td[data-k=occupancy]")).to_have_text("3")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "minimal-manager-1920x1080.png"))
        assert errors == []
