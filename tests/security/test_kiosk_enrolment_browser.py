"""In real Chromium, with KIOSK_ENROLMENT=1: a kiosk opened once with its enrolment link keeps its secret, drops
it from the address bar, heartbeats and calls staff; a kiosk page without a secret stays read-only."""

from __future__ import annotations

import time

import pytest

from core.mall.loader import load_mall
from server.kiosk.enrol import KioskEnrolment
from server.kiosk.enrol_api import enrol_link
from server.store.keys import Keys
from tests.browser import chromium
from tests.conftest import ServerProcess

ZONE, PREFIX = "fridges", "kenb:"
PORTRAIT = {"width": 1080, "height": 1920}


@pytest.fixture
def enrolled_server(redis_url, r):  # type: ignore[no-untyped-def]
    s = ServerProcess(redis_url, prefix=PREFIX, KIOSK_ENROLMENT="1", STAFFING_ENGINE="0").start()
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
    secret = KioskEnrolment(r, keys, load_mall(None)).enrol("fridges-k1", ZONE)
    with chromium() as browser:
        ctx, page = _open(browser, enrolled_server.url + enrol_link(ZONE, "fridges-k1", secret))
        assert "enrol" not in page.evaluate("location.href") and secret not in page.evaluate("location.href")
        _call_staff(page)
        page.wait_for_selector("#assist[data-state=sent]", timeout=5000)
        deadline = time.monotonic() + 10
        while r.hget(keys.kiosk_heartbeats, "fridges-k1") is None:  # the socket heartbeat of an enrolled kiosk
            assert time.monotonic() < deadline, "no heartbeat from the enrolled kiosk"
            time.sleep(0.2)
        page.reload()  # the secret stays on the device
        page.wait_for_selector("#conn.online", timeout=5000)
        assert page.evaluate("localStorage.getItem('kiosk-secret:fridges')") == secret
        ctx.close()

        ctx, page = _open(browser, enrolled_server.url + f"/kiosk/{ZONE}?kiosk=fridges-intruder")
        _call_staff(page)
        time.sleep(1.5)
        assert page.locator("#assist").get_attribute("data-state") != "sent"
        ctx.close()
    kiosks = {r.hget(keys.assist_request(i), "kiosk") for i in r.zrange(keys.assist_all, 0, -1)}
    assert kiosks == {"fridges-k1"}
    assert r.hget(keys.kiosk_heartbeats, "fridges-intruder") is None
