"""The kiosk index page's connection pill and crowd levels follow the kiosk language, as a zone kiosk's do."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser import chromium, console_errors
from tests.conftest import ServerProcess

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_index_pill_follows_the_language(live: ServerProcess) -> None:
    with chromium() as browser:
        page = browser.new_context().new_page()
        errors = console_errors(page)
        page.goto(live.url + "/kiosk/")
        conn = page.locator("#conn.online")
        expect(conn).to_have_text("实时")  # a kiosk starts in 中文
        occ = page.locator("a.tile .occ").first
        expect(occ).to_have_text(re.compile(r"· \S+$"))
        assert CJK.search(occ.inner_text()) and not re.search(r"[A-Za-z]", occ.inner_text())
        page.locator("#lang").click()
        expect(conn).to_have_text("live")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        assert not CJK.search(occ.inner_text()), occ.inner_text()
        expect(page.locator("#lang")).to_have_text("中文")
        page.locator("#lang").click()
        expect(conn).to_have_text("实时")
        page.goto(live.url + "/kiosk/?lang=en")  # a kiosk set up in English
        expect(page.locator("#conn.online")).to_have_text("live")
        assert errors == [], errors
