"""The staffing panel in 中文 and in English, in real Chromium against a real server, Redis and Socket.IO.

In 中文 mode no English word may remain in the panel (digits, units, λ/μ, counter ids and "Erlang" may);
in English mode the same panel shows the engine's English sentences.
"""

from __future__ import annotations

import re
import uuid

import redis
from playwright.sync_api import expect

from core.mall.loader import load_mall
from server.store.keys import Keys
from tests.browser import log_in, open_page, set_language
from tests.conftest import ServerProcess
from tests.manager.helpers import SHOTS, seed_demand, session, user, wait_for

MALL = load_mall(None)
VIEW = (1920, 1080)
ALLOWED = {"min", "s", "h", "Erlang", "P"}  # units and names the Chinese panel may keep
COUNTER_ID = re.compile(r"\b[A-Z]\d+\b")


def english_words(text: str, names: tuple[str, ...] = ()) -> set[str]:
    """Latin words left in a Chinese text, after the counter ids and people's names (data, not wording)."""
    for n in names:
        text = text.replace(n, "")
    text = COUNTER_ID.sub("", text)
    return set(re.findall(r"[A-Za-z]+", text)) - ALLOWED


def test_english_words_finds_what_it_should() -> None:
    assert english_words("现在加开 2 个收银台 · 约 3 min · C03 · Erlang") == set()
    assert english_words("keep 6 open") == {"keep", "open"}
    assert english_words("Boss 于 14:00 接受", ("Boss",)) == set()


def test_staffing_panel_speaks_chinese_then_english(browser, redis_url: str, r: redis.Redis) -> None:  # type: ignore[no-untyped-def]
    prefix = f"zh{uuid.uuid4().hex[:8]}:"  # this run's own keys (counters, engine state)
    seed_demand(r, prefix, per_minute=60)  # a rush: more counters than the mall has (the shortfall sentences)
    zone = MALL.checkout.zone
    assert zone is not None
    r.hset(Keys(prefix).occupancy, zone, 30)  # a queue in the checkout area: a wait figure, the queue guard
    srv = ServerProcess(redis_url, prefix=prefix).start()
    try:
        u, pw = user(r, prefix, "boss", "manager")
        api = session(srv.url, u, pw)
        cur = wait_for(lambda: api.get(srv.url + "/api/v1/staffing", timeout=5).json()["suggestion"], 10)
        assert cur and cur["delta"] > 0 and cur["message_zh"] and cur["capacity_shortfall"], cur
        assert len(cur["reasons_zh"]) == len(cur["reasons"]), cur
        ctx, page, errors = open_page(browser, *VIEW)
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))
        log_in(page, srv.url, u, pw)
        set_language(page, "zh")
        panel = page.locator("#staffing")
        msg = page.locator("#st-message")
        expect(msg).to_have_text(re.compile(r"[\u4e00-\u9fff]"))
        expect(page.locator("#st-reasons li.shortfall")).to_be_visible()
        expect(page.locator("#st-fva thead th").first).to_be_visible(timeout=5000)
        # the panel shows the engine's Chinese sentences, whichever suggestion is current
        assert wait_for(lambda: msg.inner_text() == api.get(srv.url + "/api/v1/staffing", timeout=5)
                        .json()["suggestion"]["message_zh"], 20), msg.inner_text()
        text = panel.inner_text()
        assert "收银等待" in text and "预测可信度" in text and "计划 λ" in text, text
        assert english_words(text) == set(), text
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "manager-staffing-zh-1920x1080.png"))
        # accepting in 中文: the confirmation and the decision line are Chinese too
        page.click("#st-accept")
        expect(page.locator("#st-decision")).to_contain_text("接受", timeout=5000)
        for d in dialogs:
            assert english_words(d) == set(), d
        text = panel.inner_text()
        assert english_words(text, ("Boss",)) == set(), text

        set_language(page, "en")
        assert wait_for(lambda: msg.inner_text() == api.get(srv.url + "/api/v1/staffing", timeout=5)
                        .json()["suggestion"]["message"], 20), msg.inner_text()
        now = api.get(srv.url + "/api/v1/staffing", timeout=5).json()["suggestion"]
        text = panel.inner_text()
        for sentence in ("Checkout wait (as on the kiosks)", "Forecast confidence", "plan λ", "Accepted by Boss"):
            assert sentence in text, (sentence, text)
        for reason in now["reasons"]:
            expect(page.locator("#st-reasons")).to_contain_text(reason, timeout=20000)
        assert not re.search(r"[\u4e00-\u9fff]", page.locator("#st-wait").inner_text())
        assert errors == [], errors
        ctx.close()
    finally:
        srv.kill()
