"""In real Chromium, with the default settings (kiosk enrolment on): a kiosk opened once with its enrolment link
keeps its secret, drops it from the address bar, heartbeats and calls staff; a kiosk page without a secret stays
live but read-only and says it cannot call staff. A manager enrols a kiosk in the Kiosks card, the link works on a
second page, and retiring it there cuts the kiosk off at its next heartbeat."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from core.mall.loader import load_mall
from server.kiosk.enrol_api import enrol_link
from server.store.keys import Keys
from tests.browser import chromium
from tests.conftest import ServerProcess, make_user
from tests.helpers import enrol_kiosk, wait_for

ZONE, PREFIX = "fridges", "kenb:"
PORTRAIT = {"width": 1080, "height": 1920}


@pytest.fixture
def enrolled_server(redis_url, r):  # type: ignore[no-untyped-def]
    """A server with the default settings: nothing here switches enrolment on."""
    s = ServerProcess(redis_url, prefix=PREFIX, STAFFING_ENGINE="0").start()
    yield s
    s.kill()


def _open(browser, url: str):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport=PORTRAIT, has_touch=True)
    page = ctx.new_page()
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']")
    page.wait_for_selector("#conn.online", timeout=5000)
    return ctx, page


def _call_staff(page) -> None:  # type: ignore[no-untyped-def]
    page.locator(".k-tab[data-tab=help]").tap()
    page.locator("button.reason[data-reason=product_question]").tap()


def test_enrolled_kiosk_page_calls_staff_and_an_unenrolled_one_cannot(enrolled_server, r) -> None:  # type: ignore[no-untyped-def]
    keys = Keys(PREFIX)
    secret = enrol_kiosk(r, PREFIX, "fridges-k1", ZONE)
    with chromium() as browser:
        ctx, page = _open(browser, enrolled_server.url + enrol_link(ZONE, "fridges-k1", secret))
        assert "enrol" not in page.evaluate("location.href") and secret not in page.evaluate("location.href")
        _call_staff(page)
        page.wait_for_selector("#assist[data-state=sent]", timeout=5000)
        wait_for(lambda: r.hget(keys.kiosk_heartbeats, "fridges-k1"), what="the socket heartbeat of an enrolled kiosk")
        page.reload()  # the secret stays on the device
        page.wait_for_selector("#conn.online", timeout=5000)
        assert page.evaluate("localStorage.getItem('kiosk-secret:fridges')") == secret
        ctx.close()

        ctx, page = _open(browser, enrolled_server.url + f"/kiosk/{ZONE}?kiosk=fridges-intruder")
        page.locator(".k-tab[data-tab=help]").tap()
        expect(page.locator("#assist")).to_have_attribute("data-state", "not_enrolled", timeout=5000)
        expect(page.locator("#reasons")).to_be_hidden()  # no button that would fail silently
        expect(page.locator("#assist-state")).to_contain_text("尚未登记")
        page.locator("#lang").tap()
        expect(page.locator("#assist-state")).to_contain_text("not enrolled")
        # still a live zone page: the read-only subscribe brings the zone snapshot (an empty mall: 0 people)
        expect(page.locator("#occupancy")).not_to_have_text("–", timeout=5000)
        ctx.close()
    kiosks = {r.hget(keys.assist_request(i), "kiosk") for i in r.zrange(keys.assist_all, 0, -1)}
    assert kiosks == {"fridges-k1"}
    assert r.hget(keys.kiosk_heartbeats, "fridges-intruder") is None


def test_manager_enrols_a_kiosk_in_the_card_and_retires_it(enrolled_server, r) -> None:  # type: ignore[no-untyped-def]
    keys = Keys(PREFIX)
    user, pw = make_user(r, "boss", prefix=PREFIX)
    with chromium() as browser:
        mctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-US")
        mgr = mctx.new_page()
        mgr.goto(enrolled_server.url + "/manager")
        mgr.fill("input[name=username]", user)
        mgr.fill("input[name=password]", pw)
        mgr.click("button[type=submit]")
        mgr.wait_for_selector("#conn.online")
        card = mgr.locator("#kiosks-card")
        expect(card.locator(".kq-none")).to_be_visible()
        # the server's field errors show beside the field they name
        card.locator("#kq-id").fill("Bad Id")
        card.locator("#kq-zone").select_option(ZONE)
        card.locator("#kq-enrol").click()
        expect(card.locator(".kq-err[data-for=kiosk]")).to_contain_text("a-z0-9")
        expect(card.locator(".kq-err[data-for=zone]")).to_be_hidden()
        card.locator("#kq-id").fill("fridges-k7")
        card.locator("#kq-zone").select_option("")
        card.locator("#kq-enrol").click()
        expect(card.locator(".kq-err[data-for=zone]")).to_contain_text("zone")
        expect(card.locator(".kq-err[data-for=kiosk]")).to_be_hidden()
        card.locator("#kq-zone").select_option(ZONE)
        card.locator("#kq-enrol").click()
        expect(card.locator("#kq-link")).to_be_visible()
        link = card.locator("#kq-link-url").input_value()
        assert re.fullmatch(re.escape(enrolled_server.url) + rf"/kiosk/{ZONE}\?kiosk=fridges-k7#enrol=kio_[\w-]+", link), link
        card.locator("#kq-copy").click()
        expect(card.locator("#kq-copied")).to_have_text("Copied")
        row = card.locator("tr[data-kiosk=fridges-k7]")
        expect(row.locator("td[data-k=zone]")).to_have_text(load_mall(None).zone(ZONE).name_en)  # names, not ids
        expect(row.locator("td[data-k=seen]")).to_have_text("never")
        mgr.locator("#lang").click()  # both languages
        expect(row.locator("td[data-k=seen]")).to_have_text("从未上报")
        expect(card.locator("#kq-enrol")).to_have_text("登记自助屏")
        mgr.locator("#lang").click()

        kctx, kiosk = _open(browser, link)  # the link opened once on the device
        _call_staff(kiosk)
        expect(kiosk.locator("#assist")).to_have_attribute("data-state", "sent", timeout=5000)
        inbox = mgr.locator("#assist li.req", has_text="fridges-k7")
        expect(inbox).to_be_visible(timeout=3000)  # the request reached the staff inbox live
        expect(row).to_have_attribute("data-online", "1", timeout=20000)  # the card follows the heartbeats
        expect(row.locator("td[data-k=seen]")).to_have_text("online")

        mgr.once("dialog", lambda d: d.accept())  # retire asks first
        row.locator("button.kq-retire").click()
        expect(row).to_have_count(0)
        # the kiosk's open socket is cut off at its next heartbeat: it says so and beats no more
        expect(kiosk.locator("#assist")).to_have_attribute("data-state", "not_enrolled", timeout=8000)
        expect(kiosk.locator("#reasons")).to_be_hidden()
        assert r.hget(keys.kiosk_heartbeats, "fridges-k7") is None
        time.sleep(3.5)  # one more heartbeat period: it was refused, not stored
        assert r.hget(keys.kiosk_heartbeats, "fridges-k7") is None
        mgr.reload()
        mgr.wait_for_selector("#conn.online")
        expect(mgr.locator("#kiosks-card .kq-none")).to_be_visible()
        kctx.close()
        mctx.close()
