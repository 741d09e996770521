"""The zone kiosk in real Chromium (Playwright) against real server processes, a real Redis and real Socket.IO."""

from __future__ import annotations

import os
import re
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import socketio
import yaml
from playwright.sync_api import expect

from server.kiosk.content import DEFAULT_CONTENT_DIR
from tests.browser import chromium, console_errors
from tests.conftest import ROOT, ServerProcess, login, make_user
from tests.helpers import auth, enrol_kiosk, ev, wait_for

SHOTS = ROOT / "test-artifacts" / "screenshots"
PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}


@pytest.fixture(scope="module")
def content_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kiosk") / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, root)
    return root


@pytest.fixture(scope="module")
def kserver(redis_url: str, content_dir: Path) -> Iterator[ServerProcess]:
    """A server reading a copy of the content, so tests can edit it."""
    s = ServerProcess(redis_url, KIOSK_CONTENT_DIR=str(content_dir)).start()
    yield s
    s.kill()


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    with chromium() as b:
        yield b


@pytest.fixture
def ks(kserver: ServerProcess, r) -> ServerProcess:  # type: ignore[no-untyped-def]
    """The kiosk server with an empty Redis."""
    return kserver


def open_kiosk(browser, base: str, zone: str, viewport=PORTRAIT, query: str = ""):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport=viewport, has_touch=True)
    page = ctx.new_page()
    errors = console_errors(page)
    page.goto(f"{base}/kiosk/{zone}{query}")
    page.wait_for_selector("body[data-ready='1']")
    expect(page.locator("#conn")).to_have_class("conn online", timeout=5000)
    return ctx, page, errors


def test_every_zone_renders_in_both_orientations_and_languages(browser, ks: ServerProcess) -> None:  # type: ignore[no-untyped-def]
    mall = requests.get(ks.url + "/api/v1/mall", timeout=5).json()
    ctx = browser.new_context(viewport=PORTRAIT, has_touch=True)
    page = ctx.new_page()
    errors = console_errors(page)
    t0 = time.monotonic()
    for z in mall["zones"]:
        page.set_viewport_size(PORTRAIT)
        page.goto(f"{ks.url}/kiosk/{z['id']}?kiosk=render-check")
        page.wait_for_selector("body[data-ready='1']")
        expect(page.locator("#zone-zh")).to_have_text(z["name_zh"])
        expect(page.locator("#conn")).to_have_class("conn online")
        n_products = page.locator("#products .product").count()
        page.locator("#lang").tap()
        expect(page.locator("#zone-zh")).to_have_text(z["name_en"])
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator(".k-tab[data-tab=products]")).to_have_text("Featured")
        assert page.locator("#products .product").count() == n_products
        for vp in (PORTRAIT, LANDSCAPE):
            page.set_viewport_size(vp)
            dims = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth, "
                                 "document.querySelector('.k-main').getBoundingClientRect().width]")
            assert dims[0] <= dims[1], f"{z['id']} overflows horizontally at {vp}: {dims}"
            assert dims[2] > 400, f"{z['id']}: main panel too narrow at {vp}: {dims}"
            assert page.locator(".k-tab[data-tab=help]").is_visible()
        page.locator("#lang").tap()
        expect(page.locator("#zone-zh")).to_have_text(z["name_zh"])
    assert errors == [], errors[:5]
    assert time.monotonic() - t0 < 90
    ctx.close()


def _small_targets(page) -> list:  # type: ignore[no-untyped-def]
    return page.evaluate("""() => [...document.querySelectorAll('button, a, [role=button], .zone-g')]
        .filter(e => e.offsetParent !== null || e instanceof SVGElement)
        .map(e => { const r = e.getBoundingClientRect(); return [e.id || e.className.baseVal || e.className || e.tagName,
                    e.textContent.trim().slice(0, 20), Math.round(r.width), Math.round(r.height)]; })
        .filter(([, , w, h]) => w > 0 && h > 0 && (w < 48 || h < 48))""")


def test_touch_targets_are_at_least_48px_and_subsidy_matches_the_server(browser, ks: ServerProcess, r) -> None:  # type: ignore[no-untyped-def]
    secret = enrol_kiosk(r, "t:", "targets", "fridges")  # enrolled: its "call staff" buttons are measured too
    for vp in (PORTRAIT, LANDSCAPE):
        ctx, page, errors = open_kiosk(browser, ks.url, "fridges", vp, f"?kiosk=targets#enrol={secret}")
        checked = 0
        for tab in ("products", "compare", "subsidy", "map", "help"):
            page.locator(f".k-tab[data-tab={tab}]").tap()
            if tab == "compare":
                page.locator(".k-tab[data-tab=products]").tap()
                page.locator(".compare-toggle").nth(0).tap()
                page.locator(".compare-toggle").nth(1).tap()
                page.locator(".k-tab[data-tab=compare]").tap()
                expect(page.locator("#compare-table th[data-product]")).to_have_count(2)
            if tab == "help":
                expect(page.locator("button.reason")).to_have_count(4)
                expect(page.locator("button.reason").first).to_be_visible()
            if tab == "subsidy":
                page.locator("[data-cat=fridge]").tap()
                page.locator("[data-class='1']").tap()
                for k in "12999":
                    page.locator(f".k-key[data-key='{k}']").tap()
                api = requests.post(ks.url + "/api/v1/kiosk/subsidy", timeout=5,
                                    json={"items": [{"category": "fridge", "energy_class": 1, "price": 12999}]}).json()
                expect(page.locator("#sub-result")).to_have_attribute("data-subsidy", str(int(api["total_subsidy"])))
            bad = _small_targets(page)
            assert bad == [], f"{vp} {tab}: targets under 48 px: {bad[:5]}"
            checked += page.locator("button:visible").count()
        assert checked > 60
        # the map's zones are touch targets too: at 1080 px wide a 29 m zone is far above 48 px
        page.locator(".k-tab[data-tab=map]").tap()
        box = page.locator("polygon.zone[data-zone=freezers]").bounding_box()
        assert box and box["width"] >= 48 and box["height"] >= 48
        # no text selection, no context menu
        assert page.evaluate("() => getComputedStyle(document.querySelector('.p-name') || document.body).userSelect") == "none"
        assert errors == []
        ctx.close()


def test_ingest_changes_the_page_within_a_second(browser, ks: ServerProcess, tokens) -> None:  # type: ignore[no-untyped-def]
    tok = tokens.issue("cam-fridges-1")
    ctx, page, errors = open_kiosk(browser, ks.url, "fridges", PORTRAIT, "?kiosk=ingest")
    expect(page.locator("#occupancy")).to_have_text("0")
    t0 = time.monotonic()
    res = requests.post(ks.url + "/api/v1/cameras/cam-fridges-1/events", json={"events": [ev(1, 9, 0)]}, headers=auth(tok), timeout=5)
    assert res.status_code == 200
    expect(page.locator("#occupancy")).to_have_text("9", timeout=1000)
    assert time.monotonic() - t0 < 1.0
    assert errors == []
    ctx.close()


def test_map_route_and_quiet_suggestions(browser, ks: ServerProcess, tokens) -> None:  # type: ignore[no-untyped-def]
    here, similar = tokens.issue("cam-fridges-1"), tokens.issue("cam-freezers-1")
    mall = requests.get(ks.url + "/api/v1/mall", timeout=5).json()
    zones = {z["id"]: z for z in mall["zones"]}
    ctx, page, errors = open_kiosk(browser, ks.url, "fridges", PORTRAIT, "?kiosk=map")
    page.locator(".k-tab[data-tab=map]").tap()
    expect(page.locator("#you-are-here")).to_have_count(1)
    # "quieter than here": both empty, so nothing is suggested; once this zone fills, the empty one is
    expect(page.locator("#quiet button")).to_have_count(0)
    requests.post(ks.url + "/api/v1/cameras/cam-fridges-1/events", json={"events": [ev(1, 40, 0)]}, headers=auth(here), timeout=5)
    expect(page.locator("#quiet button[data-zone=freezers]")).to_have_count(1, timeout=3000)  # same category, quieter
    requests.post(ks.url + "/api/v1/cameras/cam-freezers-1/events", json={"events": [ev(1, 100, 0)]}, headers=auth(similar), timeout=5)
    expect(page.locator("polygon.zone[data-zone=freezers]")).to_have_class(re.compile(r"z-(busy|full)"), timeout=3000)
    expect(page.locator("#quiet button[data-zone=freezers]")).to_have_count(0)  # now busier than here: never suggested
    here_pct = float(page.locator("#level").inner_text().split("·")[1].strip(" %"))
    for pct in page.locator("#quiet button span:last-child").all_inner_texts():
        assert float(pct.split("·")[1].strip(" %")) < here_pct
    # same floor: one route on this floor's map
    page.locator("#dests button[data-zone=dishwashers]").tap()
    expect(page.locator("#route")).to_have_count(1)
    assert len(page.locator("#route").get_attribute("points").split()) >= 2
    # another floor: the whole route, floor by floor in walking order, escalator / lift and entrances labelled
    page.locator("#dests button[data-zone=gaming-laptops]").tap()
    legs = page.locator("#map .map-leg")
    expect(legs).to_have_count(2)
    walk = [str(zones["fridges"]["floor"]), str(zones["gaming-laptops"]["floor"])]
    assert [legs.nth(i).get_attribute("data-floor") for i in range(2)] == walk
    for i in range(2):
        assert len(legs.nth(i).locator("polyline.route").get_attribute("points").split()) >= 2
        expect(legs.nth(i).locator("text.lift-label")).to_have_text("扶梯 / 电梯")
        floor = int(legs.nth(i).get_attribute("data-floor"))
        names = {e["name_zh"] for e in mall["entrances"] if e["floor"] == floor}
        assert set(legs.nth(i).locator("text.entrance-label").all_text_contents()) == names
    expect(legs.nth(1).locator(".map-leg-title")).to_contain_text(zones["gaming-laptops"]["name_zh"])
    expect(page.locator(".floor-tabs")).to_be_hidden()
    expect(page.locator("#route-text")).not_to_be_empty()
    # "you are here" leaves the zone's own name readable; labels are large enough to read on a portrait kiosk
    boxes = page.evaluate("""() => {
      const r = (e) => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom, b.height]; };
      const svg = document.querySelector("#you-are-here").ownerSVGElement;
      return { here: r(document.querySelector("#you-are-here")),
               own: r(svg.querySelector("g.zone-g[data-zone=fridges] text")),
               sizes: [...document.querySelectorAll("#map text.zone-label")].map((t) => r(t)[4]) };
    }""")
    h, o = boxes["here"], boxes["own"]
    assert h[2] <= o[0] or o[2] <= h[0] or h[3] <= o[1] or o[3] <= h[1], boxes
    assert min(boxes["sizes"]) >= 16, f"zone labels under 16 px on a portrait kiosk: {min(boxes['sizes'])}"
    assert errors == []
    ctx.close()


def test_assistance_round_trip_with_a_staff_session(browser, ks: ServerProcess, r) -> None:  # type: ignore[no-untyped-def]
    user, pw = make_user(r, "liwei", "staff")
    secret = enrol_kiosk(r, "t:", "fridges-assist", "fridges")
    ctx, page, errors = open_kiosk(browser, ks.url, "fridges", PORTRAIT, f"?kiosk=fridges-assist#enrol={secret}")
    staff = login(ks.url, user, pw)
    csrf = staff.get(ks.url + "/api/v1/session", timeout=5).json()["csrf"]
    got: list[dict] = []
    sio = socketio.Client(reconnection=False)
    sio.on("assist", got.append)
    cookie = "; ".join(f"{k}={v}" for k, v in staff.cookies.items())
    sio.connect(ks.url, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=5)
    assert sio.call("subscribe_managers", timeout=5)["ok"] is True
    try:
        page.locator(".k-tab[data-tab=help]").tap()
        page.locator("button.reason[data-reason=product_question]").tap()
        expect(page.locator("#assist")).to_have_attribute("data-state", "sent")
        deadline = time.monotonic() + 3
        while not got and time.monotonic() < deadline:
            time.sleep(0.05)
        assert got and got[0]["kiosk"] == "fridges-assist" and got[0]["state"] == "sent"  # staff receive it live
        open_ = staff.get(ks.url + "/api/v1/assist?state=open", timeout=5).json()["requests"]
        rid = next(x["id"] for x in open_ if x["kiosk"] == "fridges-assist")
        assert staff.post(f"{ks.url}/api/v1/assist/{rid}/ack", headers={"X-CSRF-Token": csrf}, timeout=5).status_code == 200
        expect(page.locator("#assist")).to_have_attribute("data-state", "acknowledged", timeout=1000)
        expect(page.locator("#assist-by")).to_contain_text("Liwei")
        expect(page.locator("button.reason").first).to_be_disabled()
        assert staff.post(f"{ks.url}/api/v1/assist/{rid}/resolve", headers={"X-CSRF-Token": csrf}, timeout=5).status_code == 200
        expect(page.locator("#assist")).to_have_attribute("data-state", "resolved", timeout=1000)
        page.locator("button.reason[data-reason=other]").tap()  # right after the resolve: nothing pending, it is sent
        expect(page.locator("#assist")).to_have_attribute("data-state", "sent")
        expect(page.locator("#assist-state")).not_to_contain_text(re.compile(r"\d+ ?(秒|s)"))
        # the page shows "sent" as soon as the server answers; the staff socket's copy may arrive a moment later
        wait_for(lambda: len(got) >= 4, 5, what="the second request on the staff socket")
    finally:
        sio.disconnect()
    assert [x["state"] for x in got][-3:] == ["acknowledged", "resolved", "sent"]
    assert errors == []
    ctx.close()


def test_idle_attract_still_there_then_reset_clears_input(browser, ks: ServerProcess, r) -> None:  # type: ignore[no-untyped-def]
    secret = enrol_kiosk(r, "t:", "idle", "tv-theatre-85")  # engagement counts come from enrolled kiosks only
    ctx, page, errors = open_kiosk(browser, ks.url, "tv-theatre-85", PORTRAIT, f"?kiosk=idle&idle=2&countdown=2#enrol={secret}")
    page.locator("#lang").tap()
    page.locator(".compare-toggle").nth(0).tap()
    page.locator(".k-tab[data-tab=subsidy]").tap()
    page.locator("[data-cat=tv]").tap()
    page.locator("[data-class='2']").tap()
    for k in "4999":
        page.locator(f".k-key[data-key='{k}']").tap()
    expect(page.locator("#sub-price")).to_have_attribute("data-value", "4999")
    expect(page.locator("#compare-count")).to_have_text("1")
    expect(page.locator("#still")).to_be_visible(timeout=4000)
    expect(page.locator("#attract")).to_be_visible(timeout=4000)
    expect(page.locator("#still")).to_be_hidden()
    # the session ended with the reset: counted in Redis (counters only)
    from server.kiosk.analytics import Engagement
    from server.store.keys import Keys

    eng_key = Keys("t:").kiosk_engagement(Engagement(r, Keys("t:"), "Asia/Shanghai").day(), "tv-theatre-85")
    deadline = time.monotonic() + 3
    while not r.hget(eng_key, "sessions") and time.monotonic() < deadline:
        time.sleep(0.05)
    eng = r.hgetall(eng_key)
    assert int(eng["sessions"]) == 1 and int(eng["session_ms"]) > 0 and int(eng["tap:subsidy"]) >= 7, eng
    assert int(eng["tap:language"]) == 1 and int(eng["tap:compare"]) == 1
    page.locator("#attract").tap()
    expect(page.locator("#attract")).to_be_hidden()
    expect(page.locator("#compare-count")).to_have_text("0")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("#panel-products")).to_be_visible()
    page.locator(".k-tab[data-tab=subsidy]").tap()
    expect(page.locator("#sub-price")).to_have_attribute("data-value", "")
    assert page.locator("#sub-cats .k-chip.on").count() == 0
    # "still there?" answered: nothing is cleared
    page.locator("[data-cat=tv]").tap()
    expect(page.locator("#still")).to_be_visible(timeout=4000)
    page.locator("#still-yes").tap()
    expect(page.locator("#still")).to_be_hidden()
    assert page.locator("#sub-cats .k-chip.on").count() == 1
    assert errors == []
    ctx.close()


def test_content_edit_reaches_the_open_kiosk_without_reload(browser, ks: ServerProcess, content_dir: Path) -> None:  # type: ignore[no-untyped-def]
    ctx, page, errors = open_kiosk(browser, ks.url, "fridges", PORTRAIT, "?kiosk=content")
    page.locator(".compare-toggle").nth(0).tap()  # shopper state that a reload would lose
    path = content_dir / "zones" / "fridges.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["tagline"] = {"zh": "今日冰箱特卖", "en": "Fridge sale today"}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    expect(page.locator("#tagline")).to_have_text("今日冰箱特卖", timeout=5000)
    expect(page.locator("#compare-count")).to_have_text("1")  # no reload happened
    bad = dict(data, featured=["no-such-product"])  # an invalid edit is refused; the kiosk keeps what it shows
    path.write_text(yaml.safe_dump(bad, allow_unicode=True), encoding="utf-8")
    time.sleep(2)
    expect(page.locator("#tagline")).to_have_text("今日冰箱特卖")
    assert requests.get(ks.url + "/api/v1/kiosk/content/fridges", timeout=5).json()["tagline"]["en"] == "Fridge sale today"
    assert errors == []
    ctx.close()


def test_server_restart_kiosk_reconnects_and_catches_up(browser, redis_url: str, r, tokens) -> None:  # type: ignore[no-untyped-def]
    tok = tokens.issue("cam-hotpot-cold-chain-1")
    first = ServerProcess(redis_url).start()
    second = None
    try:
        ctx = browser.new_context(viewport=LANDSCAPE)
        page = ctx.new_page()
        page.goto(f"{first.url}/kiosk/hotpot-cold-chain?kiosk=restart")
        page.wait_for_selector("body[data-ready='1']")
        expect(page.locator("#conn")).to_have_class("conn online", timeout=5000)
        expect(page.locator("#occupancy")).to_have_text("0")
        first.kill()
        expect(page.locator("#conn")).to_have_class("conn offline", timeout=5000)
        expect(page.locator("body")).to_have_class("kiosk kiosk-zone is-offline")
        second = ServerProcess(redis_url, port=first.port).start()
        # counted while the kiosk is still disconnected: it must catch up on reconnect
        res = requests.post(second.url + "/api/v1/cameras/cam-hotpot-cold-chain-1/events",
                            json={"events": [ev(1, 6, 0)]}, headers=auth(tok), timeout=5)
        assert res.status_code == 200
        expect(page.locator("#conn")).to_have_class("conn online", timeout=20000)
        expect(page.locator("#occupancy")).to_have_text("6", timeout=2000)
        requests.post(second.url + "/api/v1/cameras/cam-hotpot-cold-chain-1/events",
                      json={"events": [ev(2, 2, 0)]}, headers=auth(tok), timeout=5)
        expect(page.locator("#occupancy")).to_have_text("8", timeout=1000)  # live again after the reconnect
        ctx.close()
    finally:
        first.kill()
        if second:
            second.kill()


def test_offline_cached_page_still_works(browser, ks: ServerProcess) -> None:  # type: ignore[no-untyped-def]
    ctx, page, _ = open_kiosk(browser, ks.url, "gaming-laptops", PORTRAIT, "?kiosk=offline")
    expect(page.locator("body")).to_have_attribute("data-offline-ready", "1", timeout=5000)
    n = page.locator("#products .product").count()
    assert n >= 2
    ctx.set_offline(True)
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    expect(page.locator("#products .product")).to_have_count(n)
    expect(page.locator("#conn")).to_have_class("conn offline")
    expect(page.locator("body")).to_have_class(re.compile("is-offline"))
    page.locator(".k-tab[data-tab=subsidy]").tap()  # the tools work offline
    page.locator("[data-cat=computer]").tap()
    page.locator("[data-class='1']").tap()
    for k in "9999":
        page.locator(f".k-key[data-key='{k}']").tap()
    expect(page.locator("#sub-amount")).to_contain_text("1,999.8")
    page.locator(".k-tab[data-tab=map]").tap()
    expect(page.locator("#you-are-here")).to_have_count(1)
    ctx.set_offline(False)
    expect(page.locator("#conn")).to_have_class("conn online", timeout=35000)
    ctx.close()


def test_pill_follows_the_language_and_says_updating_when_the_server_hangs(browser, redis_url: str, r) -> None:  # type: ignore[no-untyped-def]
    """A web process stopped with its sockets open: the pill says "updating…" within seconds, a reload shows the
    cached kiosk after the service worker's network timeout, a never-cached zone shows a friendly page (not
    JSON) that comes back by itself once the server answers again."""
    srv = ServerProcess(redis_url).start()
    stopped = False
    try:
        ctx, page, _ = open_kiosk(browser, srv.url, "fridges", LANDSCAPE, "?kiosk=hang")
        expect(page.locator("body")).to_have_attribute("data-offline-ready", "1", timeout=5000)
        expect(page.locator("#conn")).to_have_text("实时")
        page.locator("#lang").tap()
        expect(page.locator("#conn")).to_have_text("live")
        page.locator("#lang").tap()
        assert srv.proc is not None
        os.kill(srv.proc.pid, signal.SIGSTOP)
        stopped = True
        expect(page.locator("#conn")).to_have_text("更新中…", timeout=8000)  # heartbeat every 3 s, answer due in 2.5 s
        expect(page.locator("#conn")).to_have_class("conn stale")
        page.locator("#lang").tap()
        expect(page.locator("#conn")).to_have_text("updating…")
        page.reload()  # the service worker answers from its cache after its 3 s network timeout (not 30 s+)
        page.wait_for_selector("body[data-ready='1']", timeout=12000)
        expect(page.locator("#products .product").first).to_be_visible()
        page.goto(srv.url + "/kiosk/phones-flagship?kiosk=hang")  # never opened on this kiosk
        expect(page.locator("#offline-page")).to_be_visible(timeout=8000)
        expect(page.locator("body")).to_contain_text("正在连接商场网络")
        assert "{" not in page.locator("body").inner_text()
        os.kill(srv.proc.pid, signal.SIGCONT)
        stopped = False
        page.wait_for_selector("body[data-ready='1']", timeout=20000)  # the friendly page retried by itself
        expect(page.locator("#zone-zh")).not_to_have_text("…")
        ctx.close()
    finally:
        if stopped and srv.proc is not None:
            os.kill(srv.proc.pid, signal.SIGCONT)
        srv.kill()


def test_screenshots_of_three_zones(browser, ks: ServerProcess) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    for zone in ("tv-theatre-85", "fridges", "gaming-laptops"):
        for name, vp in (("portrait", PORTRAIT), ("landscape", LANDSCAPE)):
            ctx, page, errors = open_kiosk(browser, ks.url, zone, vp, f"?kiosk=shot-{name}")
            page.locator("#lang").tap()  # English: this machine may lack CJK fonts
            page.screenshot(path=str(SHOTS / f"kiosk-{zone}-{name}.png"))
            assert errors == []
            ctx.close()


def test_checkout_info_follows_counter_changes(browser, ks: ServerProcess, r) -> None:  # type: ignore[no-untyped-def]
    user, pw = make_user(r, "boss", "manager")
    ctx, page, errors = open_kiosk(browser, ks.url, "checkout-area", LANDSCAPE, "?kiosk=co")
    expect(page.locator("#checkout-open")).not_to_have_text("–")
    before = int(page.locator("#checkout-open").inner_text())
    mgr = login(ks.url, user, pw)
    csrf = mgr.get(ks.url + "/api/v1/session", timeout=5).json()["csrf"]
    counters = mgr.get(ks.url + "/api/v1/counters", timeout=5).json()["counters"]
    closed = next(c["id"] for c in counters if c["state"] != "open")
    res = mgr.post(f"{ks.url}/api/v1/counters/{closed}", json={"state": "open", "reason": "test"},
                   headers={"X-CSRF-Token": csrf}, timeout=5)
    assert res.status_code == 200, res.text
    expect(page.locator("#checkout-open")).to_have_text(str(before + 1), timeout=1000)
    # the wait is whole minutes from the live queue, bracketed beyond 15 min, and follows the next change
    r.hset("t:occ", "checkout-area", 400)
    res = mgr.post(f"{ks.url}/api/v1/counters/{closed}", json={"state": "closed", "reason": "test"},
                   headers={"X-CSRF-Token": csrf}, timeout=5)
    assert res.status_code == 200, res.text
    expect(page.locator("#checkout-wait")).to_have_text("15+", timeout=1000)
    r.hset("t:occ", "checkout-area", 6)
    mgr.post(f"{ks.url}/api/v1/counters/{closed}", json={"state": "open", "reason": "test"}, headers={"X-CSRF-Token": csrf}, timeout=5)
    expect(page.locator("#checkout-wait")).to_have_text(re.compile(r"^(<1|[1-9]|1[0-5])$"), timeout=1000)
    assert errors == []
    ctx.close()


def test_socket_subscribe_with_kiosk_and_heartbeat(ks: ServerProcess, r) -> None:  # type: ignore[no-untyped-def]
    sio = socketio.Client(reconnection=False)
    got: dict[str, list] = {"zone": [], "crowd": []}
    sio.on("zone", got["zone"].append)
    sio.on("crowd", got["crowd"].append)
    sio.connect(ks.url, transports=["websocket"], wait_timeout=5, auth={"kiosk_token": enrol_kiosk(r, "t:", "fridges-sock", "fridges")})
    try:
        bad = sio.call("subscribe", {"zone": "fridges", "kiosk": "BAD kiosk"}, timeout=5)
        assert bad == {"ok": False, "error": "invalid", "field": "kiosk"}
        assert sio.call("subscribe", {"zone": "fridges", "kiosk": "fridges-sock"}, timeout=5) == {"ok": True}
        ack = sio.call("kiosk_heartbeat", {"kiosk": "fridges-sock", "zone": "fridges", "version": "kiosk-1"}, timeout=5)
        assert ack["ok"] is True
        assert sio.call("kiosk_heartbeat", {"kiosk": "fridges-sock", "zone": "nowhere"}, timeout=5)["field"] == "zone"
        from server.kiosk.registry import KioskRegistry
        from server.store.keys import Keys

        st = KioskRegistry(r, Keys("t:")).status()
        assert st["fridges-sock"]["online"] is True and st["fridges-sock"]["zone"] == "fridges"
        deadline = time.monotonic() + 2
        while not (got["zone"] and got["crowd"]) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert got["zone"][0]["zone"] == "fridges" and len(got["crowd"][0]["zones"]) >= 52  # the snapshot
    finally:
        sio.disconnect()
