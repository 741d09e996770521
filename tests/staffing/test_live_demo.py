"""Live: the product's processes (web server with its staffing engine) and the footfall simulator, over the network.

The demo mall runs on a demo clock (a fixed-offset time zone in which it is mid-afternoon now), so the test
sees an open, busy mall whatever the real hour.  After 90 s of live normal traffic (on top of the morning's
warm-up) the forecast must match what the checkout cameras counted over the last 30 minutes, the advice must fit
the mall, and the kiosk must show minutes; a
subsidy day must ask for more counters.  Then, in Chromium, a manager accepts the suggestion and the queue
in the demo world shortens.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from core.mall.loader import DEFAULT_MALL_FILE
from server import create_app
from server.cli import setup_demo
from server.demo import demo_mall
from server.settings import Settings
from tests.browser import console_errors, log_in
from tests.conftest import ROOT, ServerProcess
from tests.helpers import wait_for

SCALE = "3.0"  # enough shoppers that 15 minutes of counts are not mostly Poisson noise (afternoon: within 16 counters)
SIM_MINUTES = 1.5  # six engine cycles on live minutes


@dataclass
class Product:
    server: ServerProcess
    sim: subprocess.Popen[bytes]
    manager: requests.Session
    password: str
    started: float  # when the simulator began playing live minutes
    first_live: dict[str, Any] | None = None  # the first suggestion computed on live minutes

    @property
    def url(self) -> str:
        return self.server.url

    def staffing(self) -> dict[str, Any] | None:
        return self.manager.get(self.url + "/api/v1/staffing", timeout=5).json().get("suggestion")

    def waiting(self) -> int:
        """People in the checkout area beyond those being served (one per open counter)."""
        k = requests.get(self.url + "/api/v1/kiosk/checkout", timeout=5).json()
        return max(0, int(self.checkout_zone()["occupancy"]) - int(k["open_counters"]))

    def checkout_arrivals(self) -> tuple[float, int]:
        """(per hour, people) of the checkout area's entries over the last 30 minutes: twice the people of one
        15-minute window, so Poisson noise moves the comparison with the forecast half as much."""
        z = self.manager.get(self.url + "/api/v1/manager/sparklines", timeout=5).json()["zones"]["checkout-area"]
        people = int(z["in_15m"]) + int(z["in_prev_15m"])
        return people * 2.0, people

    def checkout_zone(self) -> dict[str, Any]:
        zones = self.manager.get(self.url + "/api/v1/manager/zones", timeout=5).json()["zones"]
        return next(z for z in zones if z["zone"] == "checkout-area")


def _start(tmp: Path, redis_url: str, scenario: str) -> Iterator[Product]:
    mall_file, _ = demo_mall(DEFAULT_MALL_FILE, "15:00", tmp)
    prefix = f"live-{scenario}-{int(time.time() * 1000) % 10**8}:"
    extra = {"MALL_CONFIG": str(mall_file), "LATE_EVENT_HOURS": "48", "STAFFING_ENGINE": "1"}
    server = ServerProcess(redis_url, prefix, **extra)
    settings = Settings(redis_url=redis_url, key_prefix=prefix, secret_key="t", message_queue=False,
                        mall_file=str(mall_file))
    svc = create_app(settings).extensions["services"]
    creds = setup_demo(svc, tmp / "demo")
    api_token = tmp / "api_token"
    api_token.write_text(svc.api_tokens.issue("live-test-sim"))
    server.start()
    sim = subprocess.Popen(
        [sys.executable, "-m", "camera", "simulate", "--server", server.url, "--tokens", str(tmp / "demo" / "camera_tokens.json"),
         "--api-token-file", str(api_token), "--mall", str(mall_file), "--scenario", scenario, "--scale", SCALE,
         "--spool-dir", str(tmp / "spool"), "--seed", "3"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(tmp / "sim.log", "wb"))  # noqa: SIM115
    s = requests.Session()
    r = s.post(server.url + "/login", data={"username": "manager", "password": creds["manager"]}, allow_redirects=False, timeout=5)
    assert r.status_code == 302, r.text
    log = tmp / "sim.log"
    wait_for(lambda: "simulating" in log.read_text() or sim.poll() is not None, 120, 1.0, "the simulator's warm-up")
    assert sim.poll() is None, log.read_text()[-2000:]
    p = Product(server, sim, s, creds["manager"], time.time())
    try:
        p.first_live = _after_sim_minutes(p, 0.25)
        yield p
    finally:
        sim.terminate()
        try:
            sim.wait(15)
        except subprocess.TimeoutExpired:
            sim.kill()
        server.kill()


@pytest.fixture(scope="module")
def normal(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[Product]:
    yield from _start(tmp_path_factory.mktemp("live-normal"), redis_url, "normal")


@pytest.fixture(scope="module")
def subsidy_first(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> dict[str, Any]:
    """A subsidy day's first suggestion on live minutes; only that is compared, so its processes stop right
    after (the normal day then has the machine to itself)."""
    products = _start(tmp_path_factory.mktemp("live-subsidy"), redis_url, "subsidy-day")
    first = next(products).first_live
    products.close()  # the simulator and the server stop
    assert first is not None
    return first


def _after_sim_minutes(p: Product, minutes: float) -> dict[str, Any]:
    """The first suggestion computed after `minutes` of live simulation."""
    return wait_for(lambda: (s := p.staffing()) and s["ts"] >= p.started + minutes * 60 and s, minutes * 60 + 90, 2.0,
                    f"a suggestion after {minutes:g} simulated minutes")


@pytest.mark.timeout(900)
def test_live_advice_is_physical_and_the_kiosk_shows_minutes(normal: Product, subsidy_first: dict[str, Any], mall) -> None:  # type: ignore[no-untyped-def]
    s = _after_sim_minutes(normal, SIM_MINUTES)
    actual_per_hour, people = normal.checkout_arrivals()
    lam_now = s["explanation"]["lambda_per_hour"]["0"]
    assert actual_per_hour > 40, "the demo checkout should be busy in the afternoon"
    assert lam_now == pytest.approx(actual_per_hour, rel=0.35), (people, json.dumps(s["explanation"], indent=1)[:3000])
    assert 1 <= s["suggested_open"] <= mall.checkout.effective_max_open
    pick = next(o for o in s["explanation"]["options"] if o["counters"] == s["suggested_open"])
    assert pick["p_wait"] < 1.0
    kiosk = requests.get(normal.url + "/api/v1/kiosk/checkout", timeout=5).json()
    assert isinstance(kiosk["expected_wait_minutes"], int | float) and kiosk["expected_wait_minutes"] >= 0
    assert kiosk["wait_label"]
    # Same moment of the same day, both worlds just past their warm-up (before the unattended queues decide it).
    first_normal = normal.first_live
    first_sub = subsidy_first
    cap = mall.checkout.effective_max_open
    # more counters, unless a slow machine let the normal day's unattended queue push it to the mall's cap
    # already (then the subsidy day must be there too); the demand itself must be clearly higher either way
    more = first_sub["suggested_open"] > first_normal["suggested_open"] or first_sub["suggested_open"] == cap
    assert more, (first_sub["suggested_open"], first_normal["suggested_open"],
                  first_sub["explanation"]["lambda_per_hour"], first_normal["explanation"]["lambda_per_hour"])
    assert first_sub["explanation"]["lambda_per_hour"]["0"] > 1.3 * first_normal["explanation"]["lambda_per_hour"]["0"]


@pytest.mark.timeout(900)
def test_accepting_in_the_browser_shortens_the_queue(normal: Product, browser) -> None:  # type: ignore[no-untyped-def]
    # The demo starts with the minimum counters open, so the queue builds until someone acts.
    wait_for(lambda: normal.waiting() >= 6, 300, 1.0, "six shoppers waiting")
    page = browser.new_page()
    try:
        errors = console_errors(page)
        page.on("dialog", lambda d: d.accept())  # "open N counters at once? Go ahead"
        log_in(page, normal.url, "manager", normal.password, ready=None, path="/login")
        page.wait_for_function("() => { const b = document.getElementById('st-accept');"
                               " return b && !b.disabled && /open/.test(b.textContent); }", timeout=60_000)
        before = normal.waiting()
        open_before = normal.staffing()["open_now"]  # type: ignore[index]
        page.click("#st-accept")
        page.wait_for_function("() => /Accepted by/.test(document.getElementById('st-decision').textContent)",
                               timeout=30_000)
        assert errors == []
    finally:
        page.close()
    opened = wait_for(lambda: (s := normal.staffing()) and s["open_now"] > open_before and s, 60, 1.0, "the counters to open")
    assert opened["open_now"] > open_before
    # Before the accept the queue grew every minute; now the counters the manager opened must shorten it.
    goal = before // 2
    low = wait_for(lambda: (w := normal.waiting()) <= goal and w + 1, 300, 2.0, f"the {before} waiting to drop to {goal}")
    assert low - 1 <= goal
