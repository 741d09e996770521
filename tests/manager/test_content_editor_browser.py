"""The manager page's "Kiosk content" card in real Chromium against a real server process on a copy of the content
files: an edit (featured products added, removed and reordered, a promotion in both languages, the tagline) seen in
the preview and, once published, on an open kiosk page live; undo from the history; the server's field error shown
beside the field it names; a schedule made in the card taking effect on an open kiosk at its start time and the
published version returning at its end; schedules listed and deleted; both languages; the layout audit with the
card open at 1920x1080, 1366x768, 1280x800 and 1080x1920. Screenshots in test-artifacts/ (docs/img/ holds a copy)."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import redis
from playwright.sync_api import expect

from core.mall.loader import load_mall
from server.kiosk.content import DEFAULT_CONTENT_DIR
from tests.browser import log_in, open_page, set_language
from tests.conftest import ServerProcess
from tests.manager.helpers import SHOTS, session, user
from tests.pages.audit import assert_fits, screens

MALL = load_mall(None)
TZ = ZoneInfo(MALL.mall.timezone)
PREFIX = "ceb:"
DOC_SHOT = SHOTS / "docs-manager-content-1366x768-en.png"  # copied into docs/img/ by hand when the card changes
NEW = {"zh": "冬季冰箱节", "en": "Winter fridge festival"}
UNDER = "(id) => document.querySelector('.ct-err.at-field').previousElementSibling.contains(document.getElementById(id))"
FLASH = {"zh": "限时闪购", "en": "Flash sale now"}


@pytest.fixture(scope="module")
def content_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("content") / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, root)
    return root


@pytest.fixture(scope="module")
def srv(redis_url: str, content_root: Path) -> Iterator[tuple[ServerProcess, redis.Redis]]:
    r = redis.Redis.from_url(redis_url, decode_responses=True)
    for k in r.scan_iter(PREFIX + "*"):
        r.delete(k)
    s = ServerProcess(redis_url, prefix=PREFIX, KIOSK_CONTENT_DIR=str(content_root), STAFFING_ENGINE="0").start()
    yield s, r
    s.kill()


def _manager(browser, srv: ServerProcess, r: redis.Redis, viewport=(1366, 768)):  # type: ignore[no-untyped-def]
    u, pw = user(r, PREFIX, "content-boss", "manager")
    ctx, page, errors = open_page(browser, *viewport, locale="en-US")
    log_in(page, srv.url, u, pw, ready="body[data-ready='1']")
    set_language(page, "en")
    return ctx, page, errors


def _kiosk(browser, srv: ServerProcess, zone: str):  # type: ignore[no-untyped-def]
    """An open kiosk page that records every change of its tagline with the browser's clock."""
    ctx = browser.new_context(viewport={"width": 1080, "height": 1920})
    page = ctx.new_page()
    page.goto(f"{srv.url}/kiosk/{zone}?kiosk=ceb-{zone}")
    page.wait_for_selector("body[data-ready='1']")
    expect(page.locator("#tagline")).not_to_be_empty()
    page.evaluate("""() => {
      const tg = document.getElementById('tagline');
      window.__tag = [[Date.now() / 1000, tg.textContent]];
      new MutationObserver(() => { const last = window.__tag[window.__tag.length - 1][1];
        if (tg.textContent !== last) window.__tag.push([Date.now() / 1000, tg.textContent]); })
        .observe(tg, { childList: true, characterData: true, subtree: true });
    }""")
    return ctx, page


def _either(text: dict[str, str]) -> re.Pattern[str]:
    return re.compile(f"^({re.escape(text['zh'])}|{re.escape(text['en'])})$")


def _open_zone(page, zone: str) -> None:  # type: ignore[no-untyped-def]
    page.select_option("#ct-zone", zone)
    expect(page.locator("#ct-body")).to_be_visible()
    expect(page.locator("#ct-preview .ct-pv-tagline")).not_to_be_empty()


def test_edit_preview_publish_reaches_an_open_kiosk_and_undo(browser, srv, content_root: Path) -> None:  # type: ignore[no-untyped-def]
    server, r = srv
    kctx, kiosk = _kiosk(browser, server, "fridges")
    original = kiosk.locator("#tagline").text_content()
    assert [a.get_attribute("data-product") for a in kiosk.locator("#products article.product").all()] == ["frost-520", "frost-300"]
    ctx, page, errors = _manager(browser, server, r)
    _open_zone(page, "fridges")
    rows = page.locator("#ct-featured li[data-product]")
    expect(rows).to_have_count(2)
    # add a product of the category that is not featured, move it to the top, remove frost-300
    add_ids = [o.get_attribute("value") for o in page.locator("#ct-add-product option").all()]
    assert "shine-d13" in add_ids and "frost-520" not in add_ids, add_ids
    page.select_option("#ct-add-product", "shine-d13")
    page.click("#ct-add")
    expect(rows).to_have_count(3)
    page.locator("#ct-featured li[data-product=shine-d13] .ct-up").click()
    page.locator("#ct-featured li[data-product=shine-d13] .ct-up").click()
    page.locator("#ct-featured li[data-product=frost-300] .ct-remove").click()
    expect(rows).to_have_count(2)
    assert [x.get_attribute("data-product") for x in rows.all()] == ["shine-d13", "frost-520"]
    page.fill("#ct-tag-zh", NEW["zh"])
    page.fill("#ct-tag-en", NEW["en"])
    page.click("#ct-promo-add")
    promo = page.locator(".ct-promo").last
    promo.locator("[data-k=title-zh]").fill("买冰箱送安装")
    promo.locator("[data-k=title-en]").fill("Free installation")
    promo.locator("[data-k=detail-zh]").fill("本周购买任意冰箱免费安装")
    promo.locator("[data-k=detail-en]").fill("Any fridge bought this week")
    # the preview follows the form (English page); nothing is written yet
    expect(page.locator("#ct-preview .ct-pv-tagline")).to_have_text(NEW["en"])
    expect(page.locator("#ct-preview .ct-pv-promos li").last).to_contain_text("Free installation")
    expect(page.locator("#ct-preview .ct-pv-products li").first).to_have_attribute("data-product", "shine-d13")
    assert kiosk.locator("#tagline").text_content() == original
    assert "shine-d13" not in (content_root / "zones" / "fridges.yaml").read_text(encoding="utf-8")

    page.fill("#ct-note", "winter campaign")
    page.click("#ct-publish")
    expect(page.locator("#ct-status")).to_contain_text("Published #")
    expect(kiosk.locator("#tagline")).to_have_text(_either(NEW), timeout=5000)  # live, no reload
    expect(kiosk.locator("#products article.product").first).to_have_attribute("data-product", "shine-d13")
    expect(kiosk.locator("#promotions")).to_contain_text(re.compile("买冰箱送安装|Free installation"))
    assert [a.get_attribute("data-product") for a in kiosk.locator("#products article.product").all()] == ["shine-d13", "frost-520"]
    pub = page.locator("#ct-history li[data-action=publish]").first
    expect(pub).to_contain_text("winter campaign")
    expect(pub).to_contain_text("Content-Boss")

    # both languages: the card's own words and the preview follow the page's language
    page.locator("#lang").click()
    expect(page.locator("#content-card h2")).to_have_text("自助屏内容")
    expect(page.locator("#ct-preview .ct-pv-tagline")).to_have_text(NEW["zh"])
    expect(page.locator("#ct-days label").first).to_have_text("周一")
    expect(pub.locator(".ct-undo")).to_have_text("撤销")
    page.locator("#lang").click()
    expect(page.locator("#content-card h2")).to_have_text("Kiosk content")

    # undo the publish from the history: the kiosk shows the version from before it
    page.locator("#ct-history li[data-action=publish] .ct-undo").first.click()
    expect(kiosk.locator("#tagline")).to_have_text(original, timeout=5000)
    expect(page.locator("#ct-tag-en")).to_have_value("")
    expect(page.locator("#ct-featured li[data-product]")).to_have_count(2)
    assert [x.get_attribute("data-product") for x in rows.all()] == ["frost-520", "frost-300"]
    assert errors == [], errors
    ctx.close()
    kctx.close()


def test_a_bad_value_shows_the_server_field_error(browser, srv) -> None:  # type: ignore[no-untyped-def]
    server, r = srv
    ctx, page, errors = _manager(browser, server, r)
    _open_zone(page, "smart-kitchen")
    page.fill("#ct-tag-en", "English only")
    page.click("#ct-publish")
    err = page.locator(".ct-err.at-field")
    expect(err).to_have_count(1)
    api = session(server.url, "content-boss").put(f"{server.url}/api/v1/manager/content/smart-kitchen", timeout=5,
                                                    json={"overrides": {"tagline": {"zh": "", "en": "English only"}}}).json()
    assert api["field"] == "overrides.tagline.zh", api
    expect(err).to_have_attribute("data-for", api["field"])
    expect(err).to_have_text("Refused: " + api["detail"])
    # next to the field it names: right under the 中文 tagline input, which is marked invalid
    assert page.evaluate(UNDER, "ct-tag-zh")
    expect(page.locator("#ct-tag-zh")).to_have_attribute("aria-invalid", "true")
    page.locator("#lang").click()
    page.click("#ct-publish")
    expect(err).to_have_text("未通过：" + api["detail"])
    page.locator("#lang").click()
    # a promotion without its English title: the error is under that input of that promotion
    page.fill("#ct-tag-zh", "只在周末")
    page.click("#ct-promo-add")
    page.click("#ct-promo-add")
    second = page.locator(".ct-promo").nth(1)
    for row in (page.locator(".ct-promo").nth(0), second):
        for k in ("title-zh", "title-en", "detail-zh", "detail-en"):
            row.locator(f"[data-k={k}]").fill("甲" if k.endswith("zh") else "A")
    second.locator("[data-k=title-en]").fill("")
    page.click("#ct-publish")
    expect(err).to_have_attribute("data-for", "overrides.promotions[1].title.en")
    expect(err).to_contain_text("Refused: ")
    expect(second.locator("[data-k=title-en]")).to_have_attribute("aria-invalid", "true")
    assert second.locator(".ct-err.at-field").count() == 1
    second.locator(".ct-promo-remove").click()
    # a schedule that ends before it starts: the error is under "Ends"
    _when(page, "starts", "2030-01-02T10:00:00")
    _when(page, "ends", "2030-01-01T10:00:00")
    page.click("#ct-schedule")
    expect(err).to_have_attribute("data-for", "ends")
    assert page.evaluate(UNDER, "ct-ends-d")
    assert session(server.url, "content-boss").get(f"{server.url}/api/v1/manager/content/smart-kitchen", timeout=5).json()["history"] == []
    assert errors == [e for e in errors if "400" in e], errors  # only the refused requests' console lines
    ctx.close()


def _when(page, which: str, local: str) -> None:  # type: ignore[no-untyped-def]
    """Type a mall-local 'YYYY-MM-DDTHH:MM[:SS]' into the card's date field and 24-hour time field."""
    day, _, clock = local.partition("T")
    page.fill(f"#ct-{which}-d", day)
    page.fill(f"#ct-{which}-t", clock)


def _local(dt: datetime) -> str:
    return dt.astimezone(TZ).strftime("%Y-%m-%dT%H:%M:%S")


def test_a_schedule_made_in_the_card_runs_on_an_open_kiosk(browser, srv) -> None:  # type: ignore[no-untyped-def]
    server, r = srv
    zone = "freezers"
    kctx, kiosk = _kiosk(browser, server, zone)
    original = kiosk.locator("#tagline").text_content()
    ctx, page, errors = _manager(browser, server, r)
    _open_zone(page, zone)
    page.fill("#ct-tag-zh", FLASH["zh"])
    page.fill("#ct-tag-en", FLASH["en"])
    start = datetime.now(TZ).replace(microsecond=0) + timedelta(seconds=8)
    end = start + timedelta(seconds=8)
    _when(page, "starts", _local(start))
    _when(page, "ends", _local(end))
    page.locator(f"#ct-days input[value='{start.isoweekday()}']").check()
    page.fill("#ct-note", "flash sale")
    page.click("#ct-schedule")
    expect(page.locator("#ct-status")).to_contain_text("Scheduled s")
    item = page.locator("#ct-schedules li[data-schedule]")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("flash sale")
    assert time.time() < start.timestamp(), "the schedule was made before its start"
    assert kiosk.locator("#tagline").text_content() == original
    expect(kiosk.locator("#tagline")).to_have_text(_either(FLASH), timeout=15000)
    expect(page.locator("#ct-schedules .ct-now")).to_have_attribute("data-in-force", re.compile(r"^s\d+$"), timeout=8000)
    expect(kiosk.locator("#tagline")).to_have_text(original, timeout=15000)
    changes = kiosk.evaluate("() => window.__tag")
    on = next(ts for ts, text in changes if _either(FLASH).match(text))
    off = next(ts for ts, text in changes if ts > on and text == original)
    assert start.timestamp() <= on < start.timestamp() + 4.5, on - start.timestamp()
    assert end.timestamp() <= off < end.timestamp() + 4.5, off - end.timestamp()
    expect(page.locator("#ct-schedules .ct-now")).to_have_attribute("data-in-force", "base", timeout=8000)
    # a weekend schedule with a daily window, listed, then deleted from the card
    _when(page, "starts", "2030-01-05T00:00")
    _when(page, "ends", "")
    for d in range(1, 8):
        page.locator(f"#ct-days input[value='{d}']").set_checked(d in (6, 7))
    page.fill("#ct-from", "10:00")
    page.fill("#ct-to", "14:00")
    page.click("#ct-schedule")
    expect(item).to_have_count(2)
    weekend = item.filter(has_text="daily 10:00–14:00")
    expect(weekend).to_contain_text("Sat Sun")
    sid = weekend.get_attribute("data-schedule")
    state = session(server.url, "content-boss").get(f"{server.url}/api/v1/manager/content/{zone}", timeout=5).json()
    mine = next(s for s in state["schedules"] if s["id"] == sid)
    assert (mine["days"], mine["daily_from"], mine["daily_to"], mine["ends"]) == ([6, 7], "10:00", "14:00", None)
    weekend.locator(".ct-del").click()
    expect(item).to_have_count(1)
    assert sid not in {s["id"] for s in session(server.url, "content-boss").get(
        f"{server.url}/api/v1/manager/content/{zone}", timeout=5).json()["schedules"]}
    assert errors == [], errors
    ctx.close()
    kctx.close()


def test_layout_with_the_card_open(browser, srv) -> None:  # type: ignore[no-untyped-def]
    server, r = srv
    ctx, page, errors = _manager(browser, server, r, (1920, 1080))
    _open_zone(page, "fridges")
    page.click("#ct-promo-add")
    promo = page.locator(".ct-promo").last
    for k, v in (("title-zh", "冬季焕新"), ("title-en", "Winter refresh"), ("detail-zh", "指定冰箱享 9 折"),
                 ("detail-en", "10 % off selected fridges")):
        promo.locator(f"[data-k={k}]").fill(v)
    expect(page.locator("#ct-preview .ct-pv-promos li").last).to_contain_text("Winter refresh")
    for vp, lang in screens(page):
        assert_fits(page, f"content card {vp} {lang}", settle_ms=300)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.locator("#content-card").screenshot(path=str(SHOTS / f"manager-content-{vp}-{lang}.png"))
        if vp == "1366x768" and lang == "en":
            page.evaluate("() => { document.querySelector('.mgr-header').style.position = 'static'; }")  # not over the card
            page.locator("#content-card").screenshot(path=str(DOC_SHOT))
            page.evaluate("() => { document.querySelector('.mgr-header').style.position = ''; }")
    assert errors == [], errors
    ctx.close()


def test_staff_see_no_content_card(browser, srv) -> None:  # type: ignore[no-untyped-def]
    server, r = srv
    u, pw = user(r, PREFIX, "content-clerk", "staff")
    ctx, page, _ = open_page(browser, 1366, 768)
    log_in(page, server.url, u, pw, ready="body[data-ready='1']")
    expect(page.locator("#counters-card")).to_be_visible()
    expect(page.locator("#content-card")).to_have_count(0)
    assert session(server.url, u, pw).get(f"{server.url}/api/v1/manager/content/fridges", timeout=5).status_code == 403
    ctx.close()
