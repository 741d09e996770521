"""The minimal pages in real Chromium: kiosk index, a zone's kiosk with live occupancy, the manager list;
the kiosk service worker's asset list and cache name, generated from the files."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
import requests
from playwright.sync_api import expect

from tests.browser import chromium, console_errors
from tests.conftest import ROOT, ServerProcess, make_user
from tests.helpers import auth, ev

SHOTS = ROOT / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    with chromium() as b:
        yield b


def test_kiosk_index_lists_every_zone(browser, live: ServerProcess) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_context().new_page()
    errors = console_errors(page)
    page.goto(live.url + "/kiosk/")
    page.wait_for_selector("a.tile")
    n = page.locator("a.tile").count()
    mall = requests.get(live.url + "/api/v1/mall", timeout=5).json()
    assert n == len(mall["zones"]) >= 52
    page.wait_for_selector("#conn.online")
    assert errors == []


def test_zone_kiosk_changes_within_a_second_of_an_ingest(browser, live: ServerProcess, tokens) -> None:  # type: ignore[no-untyped-def]
    tok = tokens.issue("cam-hotpot-cold-chain-1")
    page = browser.new_context(viewport={"width": 1080, "height": 1920}).new_page()
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


def test_manager_page_needs_login_then_shows_live_zone_numbers(browser, live: ServerProcess, tokens, r) -> None:  # type: ignore[no-untyped-def]
    user, pw = make_user(r)
    tok = tokens.issue("cam-fridges-1")
    page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
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


def _worker_assets(source: str) -> tuple[list[str], str]:
    assets = json.loads(re.search(r"^const ASSETS = (\[.*\]);$", source, re.M).group(1))  # type: ignore[union-attr]
    return assets, re.search(r'^const STATIC = "(kiosk-static-[0-9a-f]{16})";$', source, re.M).group(1)  # type: ignore[union-attr]


def test_service_worker_precaches_every_file_the_kiosk_loads(browser, live: ServerProcess) -> None:  # type: ignore[no-untyped-def]
    """The asset list comes from the files: every kiosk/common file, and every script or style the page loads."""
    res = requests.get(live.url + "/kiosk/sw.js", timeout=5)
    assert res.status_code == 200 and res.headers["Service-Worker-Allowed"] == "/kiosk/"
    assets, _ = _worker_assets(res.text)
    static = ROOT / "kiosk_static"
    on_disk = {"/static/" + p.relative_to(static).as_posix() for d in ("kiosk", "common") for p in (static / d).rglob("*")
               if p.is_file() and p.name != "sw.js"}
    assert set(assets) - on_disk == {"/vendor/socket.io.esm.min.js"} and on_disk <= set(assets)
    page = browser.new_context().new_page()
    errors = console_errors(page)
    loaded: list[str] = []
    page.on("request", lambda req: loaded.append(urlparse(req.url).path))
    page.goto(live.url + "/kiosk/fridges?kiosk=sw-assets")
    page.wait_for_selector("body[data-ready='1']")
    expect(page.locator("body")).to_have_attribute("data-offline-ready", "1", timeout=5000)
    preloads = {urlparse(h).path for h in page.eval_on_selector_all("link[rel=modulepreload]", "ls => ls.map((l) => l.href)")}
    assert errors == []
    modules = {p for p in loaded if p.startswith(("/static/", "/vendor/"))}
    assert {"/static/kiosk/zone.js", "/static/kiosk/render.js", "/vendor/socket.io.esm.min.js"} <= modules
    assert modules <= set(assets), f"loaded but not precached: {modules - set(assets)}"
    # the page preloads its whole module graph (one round trip instead of import by import): exactly what it imports
    scripts = {p for p in modules if p.endswith(".js")} - {"/static/kiosk/zone.js"}
    assert preloads == scripts, f"modulepreload list differs from the imports: {preloads ^ scripts}"


def test_cache_name_follows_the_files(tmp_path: Path) -> None:
    from server.pages.sw import worker_source
    from server.pages.views import KIOSK_VENDOR

    root = tmp_path / "kiosk_static"
    shutil.copytree(ROOT / "kiosk_static", root)
    before_assets, before = _worker_assets(worker_source(root, KIOSK_VENDOR))
    assert worker_source(root, KIOSK_VENDOR) == worker_source(root, KIOSK_VENDOR)  # stable while nothing changes
    css = root / "kiosk" / "kiosk.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* edited */\n", encoding="utf-8")
    assets, edited = _worker_assets(worker_source(root, KIOSK_VENDOR))
    assert edited != before and assets == before_assets
    (root / "common" / "new.js").write_text("export const x = 1;\n", encoding="utf-8")
    assets, added = _worker_assets(worker_source(root, KIOSK_VENDOR))
    assert "/static/common/new.js" in assets and added != edited
