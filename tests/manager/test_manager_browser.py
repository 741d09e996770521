"""The manager page in real Chromium (Playwright) against real server processes, Redis and Socket.IO."""

from __future__ import annotations

import csv
import re
import threading
import time

import redis
import requests
import socketio
from playwright.sync_api import expect

from core.mall.loader import load_mall
from server.kiosk.enrol import HEADER
from tests.browser import chromium, console_errors, submit_login
from tests.conftest import ServerProcess
from tests.helpers import enrol_kiosk
from tests.manager.helpers import SHOTS, Camera, seed_demand, session, user, wait_for

MALL = load_mall(None)
VIEW = {"width": 1920, "height": 1080}


def _login(page, base: str, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/manager")
    assert "/login" in page.url  # anonymous users are sent to login
    submit_login(page, username, password)


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name))


def test_map_shows_every_zone_and_an_ingest_recolours_it_within_a_second(live: ServerProcess, r: redis.Redis) -> None:
    u, pw = user(r, "t:", "boss", "manager")
    zone = MALL.zone("fridges")
    n = -(-zone.capacity * 92 // 100)  # 92 % of capacity: the 90 % band
    cam = Camera(live.url, r, "t:", "cam-fridges-1")
    with chromium() as browser:
        page = browser.new_page(viewport=VIEW)
        errors = console_errors(page)
        _login(page, live.url, u, pw)
        # every zone of the config is drawn, on its floor's SVG
        shapes = page.locator("#maps polygon.zone-shape")
        assert shapes.count() == len(MALL.zones)
        drawn = {shapes.nth(i).get_attribute("data-zone") for i in range(shapes.count())}
        assert drawn == {z.id for z in MALL.zones}
        for f in MALL.floors:
            assert page.locator(f"#maps svg[data-floor='{f.id}'] polygon").count() == sum(z.floor == f.id for z in MALL.zones)
        assert page.locator("#zones tbody tr").count() == len(MALL.zones)
        poly = page.locator("#maps polygon[data-zone=fridges]")
        before = poly.get_attribute("fill")
        expect(page.locator("#ff-chart .uplot")).to_be_visible()  # footfall chart drawn by uPlot
        t0 = time.monotonic()
        cam.send([(time.time(), n, 0)])
        label = f"{n} · {round(100 * n / zone.capacity)}%"
        expect(page.locator("#maps text.zone-num[data-zone=fridges]")).to_have_text(label, timeout=1000)
        expect(poly).to_have_attribute("data-band", "3", timeout=1000)
        expect(page.locator("tr[data-zone=fridges] td[data-k=occupancy]")).to_have_text(str(n), timeout=1000)
        assert time.monotonic() - t0 < 1.0
        assert poly.get_attribute("fill") != before

        # sort by % puts the crowded zone first; filtering by floor hides the others
        page.click("#zones th[data-sort=pct]")
        page.click("#zones th[data-sort=pct]")
        expect(page.locator("#zones th[data-sort=pct]")).to_have_attribute("aria-sort", "descending")
        expect(page.locator("#zones tbody tr").first).to_have_attribute("data-zone", "fridges")
        other = next(f.id for f in MALL.floors if f.id != zone.floor)
        page.select_option("#f-floor", str(other))
        expect(page.locator("tr[data-zone=fridges]")).to_be_hidden()
        page.select_option("#f-floor", str(zone.floor))
        expect(page.locator("tr[data-zone=fridges]")).to_be_visible()
        page.select_option("#f-cat", zone.category)
        visible = page.locator("#zones tbody tr:visible")
        assert visible.count() == sum(z.floor == zone.floor and z.category == zone.category for z in MALL.zones)
        page.select_option("#f-floor", "")
        page.select_option("#f-cat", "")

        # the capacity alert is raised by the engine (tick ≤ 2 s) and shown with its zone outlined
        expect(page.locator("#alerts li.alert.sev-warning[data-alert='capacity:fridges']")).to_be_visible(timeout=6000)
        expect(page.locator("#alert-banner")).to_contain_text("90 %")

        # zone detail: occupancy, last hour, the curve vs last week, camera health
        page.click(f"#floor-tabs .tab[data-floor='{zone.floor}']")
        page.locator("#maps g.zone[data-zone=fridges]").click()
        expect(page.locator("#detail")).to_be_visible()
        expect(page.locator("#d-occ")).to_have_text(str(n))
        expect(page.locator("#d-in1h")).to_have_text(str(n))
        expect(page.locator("#d-chart .uplot")).to_be_visible()
        expect(page.locator("#d-cams li[data-camera='cam-fridges-1']")).to_contain_text("offline")
        page.wait_for_timeout(300)
        _shot(page, "manager-map-detail-1920x1080.png")
        assert errors == [], errors


def test_staff_see_only_the_inbox_and_counters(live: ServerProcess, r: redis.Redis) -> None:
    u, pw = user(r, "t:", "clerk", "staff")
    with chromium() as browser:
        page = browser.new_page(viewport=VIEW)
        errors = console_errors(page)
        _login(page, live.url, u, pw)
        expect(page.locator("#counters .counter")).to_have_count(len(MALL.checkout.counters))
        expect(page.locator("#assist-card")).to_be_visible()
        for hidden in ("#map-card", "#zones", "#staffing", "#alerts-card", "#export-card", "#mall-total"):
            assert page.locator(hidden).count() == 0, hidden
        # staff run the counters: a click opens a closed one; a second screen follows live (`counters` event)
        other = browser.new_context(viewport=VIEW).new_page()
        _login(other, live.url, u, pw)
        n_open = page.locator("#counters .counter.st-open").count()
        expect(other.locator("#counters .counter.st-open")).to_have_count(n_open)
        closed = page.locator("#counters .counter.st-closed").first
        cid = closed.get_attribute("data-counter")
        closed.click()
        expect(page.locator(f"#counters .counter[data-counter='{cid}']")).to_have_attribute("data-state", "open")
        expect(other.locator(f"#counters .counter[data-counter='{cid}']")).to_have_attribute("data-state", "open", timeout=2000)
        expect(page.locator("#audit li").first).to_contain_text(f"{cid} closed→open by {u}")
        _shot(page, "manager-staff-view-1920x1080.png")
        page.click("#logout")
        page.wait_for_url("**/login**")
        page.goto(live.url + "/manager")
        assert "/login" in page.url
        assert errors == [], errors


def _populate(base: str, r: redis.Redis, prefix: str) -> None:
    import random

    rng = random.Random(11)
    now = time.time()
    seen: set[str] = set()
    for c in MALL.cameras:
        if c.zone is None or c.zone in seen:
            continue
        seen.add(c.zone)
        cap = MALL.zone(c.zone).capacity
        target = int(cap * rng.choice([0.2, 0.4, 0.6, 0.75, 0.85, 0.95, 1.05]))
        cam = Camera(base, r, prefix, c.id)
        evs, occ = [], 0
        for k in range(24):  # every 5 minutes over the last 2 hours
            cin = rng.randint(0, max(1, cap // 12))
            cout = rng.randint(0, max(0, occ + cin - target // 2)) if k < 20 else 0
            occ += cin - cout
            evs.append((now - (120 - 5 * k) * 60 + 30, cin, cout))
        if occ < target:
            evs.append((now - 20, target - occ, 0))
        else:
            evs.append((now - 20, 0, occ - target))
        cam.send(evs)


class CrowdClient:
    """What a kiosk hears: a real python-socketio client in the public `crowd` room."""

    def __init__(self, url: str) -> None:
        self.events: list[dict] = []
        self.got = threading.Event()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("checkout", self._on)
        self.sio.connect(url, transports=["websocket"], wait_timeout=5)
        self.sio.call("subscribe", {}, timeout=5)

    def _on(self, data: dict) -> None:
        self.events.append(data)
        self.got.set()


def test_accept_opens_counters_kiosks_follow_and_a_silent_camera_raises_an_alert(redis_url: str, r: redis.Redis) -> None:
    seed_demand(r, "m:")  # 90 minutes of whole-mall entries: the engine asks for more counters at once
    srv = ServerProcess(redis_url, prefix="m:", CAMERA_OFFLINE_SECONDS="3").start()
    crowd = None
    try:
        u, pw = user(r, "m:", "boss", "manager")
        api = session(srv.url, u, pw)
        cur = wait_for(lambda: api.get(srv.url + "/api/v1/staffing", timeout=5).json()["suggestion"], 10)
        assert cur and cur["delta"] > 0, cur
        crowd = CrowdClient(srv.url)
        with chromium() as browser:
            page = browser.new_page(viewport=VIEW)
            errors = console_errors(page)
            page.on("dialog", lambda d: d.accept())  # a change of more than 3 counters asks the manager to confirm
            _login(page, srv.url, u, pw)
            expect(page.locator("#st-message")).to_have_text(cur["message"])
            expect(page.locator("#st-options tbody tr")).to_have_count(3)  # c−1, c, c+1
            expect(page.locator("#st-options tr.pick td").first).to_have_text(str(cur["suggested_open"]))
            expect(page.locator("#counters .counter.st-open")).to_have_count(cur["open_now"])
            _shot(page, "manager-staffing-suggestion-1920x1080.png")
            crowd.events.clear()
            crowd.got.clear()
            page.click("#st-accept")
            expect(page.locator("#counters .counter.st-open")).to_have_count(cur["suggested_open"], timeout=3000)
            expect(page.locator("#st-decision")).to_contain_text("Accepted by Boss")
            expect(page.locator("#audit li").first).to_contain_text("accepted suggestion")
            # kiosks' checkout information follows: the public `checkout` event and, when present, the kiosk endpoint
            assert crowd.got.wait(5), "no checkout event reached the crowd room"
            assert wait_for(lambda: any(e.get("open_counters") == cur["suggested_open"] for e in crowd.events), 5), crowd.events
            kiosk = requests.get(srv.url + "/api/v1/kiosk/checkout", timeout=5)
            if kiosk.status_code == 200:
                assert kiosk.json()["open_counters"] == cur["suggested_open"], kiosk.json()
            audit = api.get(srv.url + "/api/v1/counters?audit_limit=50", timeout=5).json()["audit"]
            assert sum(a["by"] == "boss" and a["to"] == "open" for a in audit) == cur["delta"]

            # a camera that stops its heartbeat raises the alert (threshold 3 s here), visibly and audibly
            cam_id = next(c.id for c in MALL.cameras if c.zone is not None)
            cam = Camera(srv.url, r, "m:", cam_id)
            cam.heartbeat()
            expect(page.locator("#cams")).to_contain_text(re.compile(r"Cameras online: [1-9]"), timeout=3000)
            if page.locator("#sound").get_attribute("aria-pressed") != "true":
                page.click("#sound")  # WebAudio needs a user gesture; the earlier clicks usually gave it
            expect(page.locator("#sound")).to_have_attribute("aria-pressed", "true")
            beeps = int(page.locator("body").get_attribute("data-beeps") or 0)
            t0 = time.monotonic()
            item = page.locator(f"#alerts li.alert[data-alert='camera:{cam_id}']")
            expect(item).to_be_visible(timeout=10000)
            took = time.monotonic() - t0
            assert 2.0 < took < 8.0, took  # not before the 3 s threshold, and within a tick or two after it
            expect(page.locator("#alert-badge")).to_have_class(re.compile("hot"))
            assert int(page.locator("body").get_attribute("data-beeps") or 0) > beeps
            expect(page.locator("#alert-banner")).to_contain_text(cam_id)
            _shot(page, "manager-alert-1920x1080.png")
            item.locator("button.ack").click()
            expect(item).to_contain_text("acknowledged by Boss")
            cam.heartbeat()  # back online: the alert clears into the history
            expect(item).to_have_count(0, timeout=6000)
            page.click("#hist-toggle")
            expect(page.locator(f"#alert-history li[data-alert='camera:{cam_id}']").first).to_contain_text("cleared")
            hist = api.get(srv.url + "/api/v1/manager/alerts", timeout=5).json()["history"]
            assert any(a["id"] == f"camera:{cam_id}" and a["acknowledged_by"] == "Boss" for a in hist)
            # a busy afternoon for the overview screenshot: every zone counted through the camera API
            _populate(srv.url, r, "m:")
            page.reload()
            page.wait_for_selector("#conn.online")
            expect(page.locator("#zones tbody tr td.spark .uplot").first).to_be_visible()
            expect(page.locator("#alerts li.alert.sev-critical[data-kind=capacity]").first).to_be_visible(timeout=6000)
            page.wait_for_timeout(500)
            _shot(page, "manager-overview-1920x1080.png")
            assert errors == [], errors
    finally:
        if crowd is not None:
            crowd.sio.disconnect()
        srv.kill()


def test_assistance_inbox_round_trip(live: ServerProcess, r: redis.Redis) -> None:
    u, pw = user(r, "t:", "clerk", "staff")
    # the kiosk: a real Socket.IO client in its own room, as the kiosk page subscribes
    seen: list[dict] = []
    kiosk = socketio.Client(reconnection=False)
    kiosk.on("assist", seen.append)
    secret = enrol_kiosk(r, "t:", "k-fridges-1", "fridges")
    kiosk.connect(live.url, transports=["websocket"], wait_timeout=5, auth={"kiosk_token": secret})
    try:
        assert kiosk.call("subscribe", {"zone": "fridges", "kiosk": "k-fridges-1"}, timeout=5)["ok"]
        with chromium() as browser:
            page = browser.new_page(viewport=VIEW)
            errors = console_errors(page)
            _login(page, live.url, u, pw)
            expect(page.locator("#as-count")).to_have_text("0 open")
            req = {"zone": "fridges", "kiosk": "k-fridges-1", "reason": "product_question"}
            res = requests.post(live.url + "/api/v1/assist", json=req, headers={HEADER: secret}, timeout=5)
            assert res.status_code in (200, 201), res.text
            rid = res.json()["id"]
            item = page.locator(f"li.req[data-request='{rid}']")
            expect(item).to_contain_text("product question", timeout=2000)
            item.locator("button.ack").click()
            expect(item).to_contain_text("acknowledged by Clerk")
            assert wait_for(lambda: any(e["id"] == rid and e["state"] == "acknowledged" and e["by_name"] == "Clerk" for e in seen), 3), seen
            item.locator("button.resolve").click()
            expect(item).to_have_count(0)
            assert wait_for(lambda: any(e["id"] == rid and e["state"] == "resolved" for e in seen), 3), seen
            assert errors == [], errors
    finally:
        kiosk.disconnect()


def test_export_zone_picker_downloads_only_the_chosen_zones(live: ServerProcess, r: redis.Redis) -> None:
    u, pw = user(r, "t:", "boss", "manager")
    Camera(live.url, r, "t:", "cam-fridges-1").send([(time.time() - 60, 5, 1)])
    with chromium() as browser:
        page = browser.new_page(viewport=VIEW, accept_downloads=True)
        errors = console_errors(page)
        _login(page, live.url, u, pw)
        picker = page.locator("#ex-zones")
        assert picker.locator("option").count() == len(MALL.zones) + 1  # every zone, by floor, and the whole mall
        page.select_option("#ex-zones", ["fridges", "mall"])
        with page.expect_download() as download:
            page.click("#ex-csv")
        with open(download.value.path(), encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        assert {row["zone"] for row in rows} == {"fridges", "mall"}
        assert sum(int(row["entries"] or 0) for row in rows if row["zone"] == "fridges") == 5
        page.locator("#lang").click()  # the picker follows the language and keeps the choice
        expect(picker.locator("option[value=fridges]")).to_have_text(MALL.zone("fridges").name_zh)
        assert sorted(picker.evaluate("s => [...s.selectedOptions].map((o) => o.value)")) == ["fridges", "mall"]
        assert errors == [], errors


def test_date_range_report_shows_downloads_and_prints_alone(live: ServerProcess, r: redis.Redis) -> None:
    u, pw = user(r, "t:", "boss", "manager")
    Camera(live.url, r, "t:", "cam-fridges-1").send([(time.time() - 120, 7, 2)])
    with chromium() as browser:
        page = browser.new_page(viewport=VIEW, accept_downloads=True)
        errors = console_errors(page)
        _login(page, live.url, u, pw)
        page.select_option("#ex-zones", ["fridges", "mall"])
        page.click("#rp-show")
        rows = page.locator("#rp-table tbody tr")
        expect(rows).to_have_count(2)
        api = session(live.url, u, pw).get(live.url + "/api/v1/manager/report?" + page.evaluate(
            "() => new URL(document.getElementById('rp-csv').href).search.slice(1)"), timeout=5).json()
        fridges = next(x for x in api["rows"] if x["zone"] == "fridges")
        assert fridges["entries"] == 7 and fridges["exits"] == 2
        row = page.locator("#rp-table tr[data-zone=fridges] td")
        expect(row.nth(0)).to_have_text(MALL.zone("fridges").name_en)
        expect(row.nth(1)).to_have_text("7")
        expect(row.nth(2)).to_have_text("2")
        with page.expect_download() as download:
            page.click("#rp-csv")
        with open(download.value.path(), encoding="utf-8") as f:
            assert {x["zone"]: int(x["entries"]) for x in csv.DictReader(f)}["fridges"] == 7
        # printing shows the report alone
        page.evaluate("() => document.body.classList.add('print-report')")
        page.emulate_media(media="print")
        expect(page.locator("#report")).to_be_visible()
        expect(page.locator("#zones")).to_be_hidden()
        expect(page.locator("#maps")).to_be_hidden()
        page.emulate_media(media="screen")
        page.locator("#lang").click()
        expect(row.nth(0)).to_have_text(MALL.zone("fridges").name_zh)
        assert errors == [], errors


def test_charts_compare_with_last_week_and_last_year_when_counted(live: ServerProcess, r: redis.Redis) -> None:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from core.wire import CountEvent
    from server.manager.series import same_date_last_year
    from server.store.counts import CountStore
    from server.store.keys import Keys

    u, pw = user(r, "t:", "boss", "manager")
    tz = ZoneInfo(MALL.mall.timezone)
    now = datetime.now(tz)
    week = (now - timedelta(days=7)).replace(hour=14, minute=7, second=0, microsecond=0)
    year = datetime.combine(same_date_last_year(now.date()), week.time(), tzinfo=tz).replace(hour=16)
    store = CountStore(r, Keys("t:"), MALL.mall.timezone, MALL.mall.opening_time)
    entrance = next(c.id for c in MALL.cameras if c.entrance)
    for seq, (cam, area, at, n) in enumerate([(entrance, "mall", week, 11), (entrance, "mall", year, 24),
                                              ("cam-fridges-1", "fridges", year, 8)], start=1):
        store.apply_batch(cam, "s", area, [CountEvent.of(seq, at.timestamp(), n, 0)], time.time())
    with chromium() as browser:
        page = browser.new_page(viewport=VIEW)
        errors = console_errors(page)
        _login(page, live.url, u, pw)
        legend = page.locator("#ff-chart .u-legend")
        expect(legend).to_contain_text(f"Same weekday last week ({week.date().isoformat()})")
        expect(legend).to_contain_text(f"Last year {year.date().isoformat()} (hourly ÷ 12)")
        page.locator("tr[data-zone=fridges]").click()
        expect(page.locator("#d-chart .u-legend")).to_contain_text(f"Last year {year.date().isoformat()} (hourly ÷ 4)")
        page.locator("tr[data-zone=dishwashers]").click()  # nothing counted there last year: no such line
        expect(page.locator("#d-name")).to_have_text(MALL.zone("dishwashers").name_en)
        expect(page.locator("#d-chart .u-legend")).not_to_contain_text("Last year")
        assert errors == [], errors
