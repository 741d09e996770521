"""Kiosk and manager pages at the screen sizes they meet, in both languages, in real Chromium against a real
server with a busy mall: nothing overlaps, nothing is cut or scrolls sideways, every text passes WCAG AA
contrast, no text is under 12 px, no glyph needs an emoji font (tests/pages/audit.py checks computed styles, not
pictures). The login page and the staff view too.
Screenshots: test-artifacts/screenshots/layout-*.png."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator

import pytest
import redis
from playwright.sync_api import expect

from core.mall.loader import load_mall
from tests.browser import log_in, open_page, set_language, submit_login
from tests.conftest import ServerProcess
from tests.manager.helpers import SHOTS, Camera, user
from tests.pages.audit import assert_fits, screens

MALL = load_mall(None)
PREFIX = "lay:"
# the checkout card; the longest zone name; a full zone whose "quieter than here" list holds busy and full zones
KIOSK_ZONES = ("checkout-area", "tv-theatre-85", "phones-flagship")
TABS = ("products", "compare", "subsidy", "map", "help")


def _busy_mall(base: str, r: redis.Redis) -> None:
    """Every zone counted through the camera API, a few above 90 % and 100 % (alerts on the manager page)."""
    rng = random.Random(5)
    now = time.time()
    seen: set[str] = set()
    for c in MALL.cameras:
        if c.zone is None or c.zone in seen:
            continue
        seen.add(c.zone)
        cap = MALL.zone(c.zone).capacity
        share = rng.choice([0.1, 0.3, 0.45, 0.6, 0.85, 0.95, 1.05])
        Camera(base, r, PREFIX, c.id).send([(now - 600, int(cap * share) + 3, 3), (now - 5, 1, 1)])


@pytest.fixture(scope="module")
def busy(redis_url: str) -> Iterator[tuple[ServerProcess, redis.Redis]]:
    r = redis.Redis.from_url(redis_url, decode_responses=True)
    for k in r.scan_iter(PREFIX + "*"):
        r.delete(k)
    srv = ServerProcess(redis_url, prefix=PREFIX).start()
    _busy_mall(srv.url, r)
    yield srv, r
    srv.kill()


@pytest.mark.parametrize("zone", KIOSK_ZONES)
def test_kiosk_fits_every_screen_in_both_languages(browser, busy, zone: str) -> None:  # type: ignore[no-untyped-def]
    srv, _ = busy
    ctx, page, errors = open_page(browser, 1080, 1920, has_touch=True)
    page.goto(f"{srv.url}/kiosk/{zone}?kiosk=layout-{zone}")
    page.wait_for_selector("body[data-ready='1']")
    expect(page.locator("#conn")).to_have_class("conn online", timeout=5000)
    expect(page.locator("#occupancy")).not_to_have_text("–")
    other_floor = next(z.id for z in MALL.zones if z.floor != MALL.zone(zone).floor and z.category != "checkout")
    for vp, lang in screens(page, tap=True):
        for tab in TABS:
            page.locator(f".k-tab[data-tab={tab}]").tap()
            if tab == "compare" and page.locator("#compare-table").count() == 0 and page.locator(".compare-toggle").count() >= 2:
                page.locator(".k-tab[data-tab=products]").tap()
                page.locator(".compare-toggle").nth(0).tap()
                page.locator(".compare-toggle").nth(1).tap()
                page.locator(".k-tab[data-tab=compare]").tap()
            if tab == "map":
                page.locator(f"#dests button[data-zone='{other_floor}']").tap()
            assert_fits(page, f"kiosk {zone} {vp} {lang} {tab}")
            if tab == "map" and zone == KIOSK_ZONES[0]:
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SHOTS / f"layout-kiosk-{zone}-map-{vp}-{lang}.png"))
        if zone == KIOSK_ZONES[0]:
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.locator(".k-tab[data-tab=products]").tap()
            page.screenshot(path=str(SHOTS / f"layout-kiosk-{zone}-{vp}-{lang}.png"))
    assert errors == [], errors
    ctx.close()


def test_kiosk_overlays_and_index_fit_every_screen(browser, busy) -> None:  # type: ignore[no-untyped-def]
    """"Still there?" in both languages, the attract loop, and the kiosk index, at every size."""
    srv, _ = busy
    ctx, page, errors = open_page(browser, 1080, 1920, has_touch=True)
    page.goto(f"{srv.url}/kiosk/fridges?kiosk=layout-idle&idle=1&countdown=8")
    page.wait_for_selector("body[data-ready='1']")
    for lang in ("zh", "en"):
        set_language(page, lang, tap=True)
        page.locator(".k-tab[data-tab=subsidy]").tap()  # a shopper session: idle asks "still there?"
        expect(page.locator("#still")).to_be_visible(timeout=4000)
        for vp, _ in screens(page, languages=()):
            assert_fits(page, f"still-there {vp} {lang}")
        page.locator("#still-yes").tap()
        expect(page.locator("#still")).to_be_hidden()
    expect(page.locator("#still")).to_be_visible(timeout=4000)
    expect(page.locator("#attract")).to_be_visible(timeout=10000)
    for vp, _ in screens(page, languages=()):
        assert_fits(page, f"attract {vp}")
    page.goto(f"{srv.url}/kiosk/")
    page.wait_for_selector("#conn.online")
    for vp, _ in screens(page, languages=()):
        assert_fits(page, f"kiosk index {vp}")
    assert errors == [], errors
    ctx.close()


def test_manager_fits_every_screen_in_both_languages(browser, busy) -> None:  # type: ignore[no-untyped-def]
    srv, r = busy
    u, pw = user(r, PREFIX, "layout-boss", "manager")
    ctx, page, errors = open_page(browser, 1920, 1080)
    log_in(page, srv.url, u, pw)
    expect(page.locator("#alerts li.alert").first).to_be_visible(timeout=8000)
    expect(page.locator("#zones tbody tr td.spark .uplot").first).to_be_visible()
    page.click("#rp-show")  # the date-range report on screen too
    expect(page.locator("#rp-table tbody tr").first).to_be_visible()
    for vp, lang in screens(page):
        assert_fits(page, f"manager {vp} {lang}", settle_ms=450)  # charts resize to their new width
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"layout-manager-{vp}-{lang}.png"))
    assert errors == [], errors
    ctx.close()


def test_login_and_staff_pages_fit_every_screen_in_both_languages(browser, busy) -> None:  # type: ignore[no-untyped-def]
    srv, r = busy
    u, pw = user(r, PREFIX, "layout-clerk", "staff")
    ctx, page, errors = open_page(browser, 1920, 1080)
    page.goto(srv.url + "/login?next=/manager")
    for where in ("login", "staff"):
        for vp, lang in screens(page):
            assert_fits(page, f"{where} {vp} {lang}")
        if where == "login":
            submit_login(page, u, pw)
            expect(page.locator("#counters .counter").first).to_be_visible()
    assert errors == [], errors
    ctx.close()
