"""Kiosk benchmark in real Chromium: a zone page's transfer size and time to interactive on a cold and a warm
cache, and the time from a camera ingest to the page's change (median and p95 over 50 ingests).

    .venv/bin/python bench/kiosk.py [--zone fridges] [--ingests 50]

Starts its own real Redis (embedded Valkey) and one web process (`python -m server`), like production.
"Interactive" = navigation start → the page has drawn its content and attached its handlers (body[data-ready]).
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server.redis_server import free_port, start  # noqa: E402

TARGET_COLD_BYTES = 1_000_000
TARGET_TTI_MS = 1000
TARGET_P95_MS = 300


def line(name: str, value: float, unit: str, target: str, ok: bool) -> None:
    print(f"  {name:<38} {value:>10.1f} {unit:<3}  target {target:<10} {'OK' if ok else 'MISSED'}")


def load(ctx, page, url: str) -> tuple[int, float, int]:  # type: ignore[no-untyped-def]
    """Bytes that crossed the network (page and service worker requests; answers from the HTTP cache or the
    service worker's cache cost nothing), time to interactive, and the number of network requests."""
    done: list = []

    def collect(req) -> None:  # type: ignore[no-untyped-def]
        done.append(req)

    ctx.on("requestfinished", collect)
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']")
    tti = float(page.get_attribute("body", "data-ready-ms"))
    page.wait_for_timeout(500)  # let late responses (icon, service worker install) land
    ctx.remove_listener("requestfinished", collect)
    if os.environ.get("BENCH_VERBOSE"):
        for req in done:
            resp = req.response()
            via = "service worker" if resp and resp.from_service_worker else "network"
            print("   ", req.url[:90], resp.status if resp else None, via, req.sizes()["responseBodySize"])
    total, n = 0, 0
    for req in done:
        resp = req.response()
        if resp is None or resp.from_service_worker or req.url.startswith("data:"):
            continue
        sz = req.sizes()
        if resp.status == 304 or sz["responseBodySize"] >= 0:
            total += max(0, sz["responseBodySize"]) + max(0, sz["responseHeadersSize"]) + max(0, sz["requestHeadersSize"])
            n += 1
    return total, tti, n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--zone", default="fridges")
    ap.add_argument("--ingests", type=int, default=50)
    # BENCH_VERBOSE=1 lists every request of both loads
    args = ap.parse_args()
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    from playwright.sync_api import sync_playwright

    from tests.browser import ARGS

    tmp = Path(tempfile.mkdtemp(prefix="bench-kiosk-"))
    rport, port = free_port(), free_port()
    redis_proc = start(rport, tmp / "redis", durable=False)
    redis_url = f"redis://127.0.0.1:{rport}/0"
    env = dict(os.environ, REDIS_URL=redis_url, PORT=str(port), KEY_PREFIX="bench:", SECRET_KEY="bench-" + "x" * 40,
               LOG_LEVEL="WARNING")
    web = subprocess.Popen([sys.executable, "-m", "server"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if requests.get(base + "/healthz", timeout=0.5).ok:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        import redis as redis_lib

        from core.mall.loader import load_mall
        from server.ingest.tokens import CameraTokens
        from server.store.keys import Keys

        mall = load_mall(None)
        cam = next(c.id for c in mall.cameras if c.zone == args.zone)
        token = CameraTokens(redis_lib.Redis.from_url(redis_url, decode_responses=True), Keys("bench:")).issue(cam)
        url = f"{base}/kiosk/{args.zone}?kiosk=bench-1"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=ARGS, headless=True)
            ctx = browser.new_context(viewport={"width": 1080, "height": 1920})
            page = ctx.new_page()
            cold_bytes, cold_tti, cold_n = load(ctx, page, url)
            page.wait_for_selector("body[data-offline-ready='1']", timeout=10_000)
            page2 = ctx.new_page()  # same profile: HTTP cache + service worker + Cache Storage are warm
            warm_bytes, warm_tti, warm_n = load(ctx, page2, url)
            page2.close()
            page.wait_for_selector("#conn.online")
            page.evaluate("""() => { window.__seen = {};
                const el = document.getElementById('occupancy');
                new MutationObserver(() => { window.__seen[el.textContent] = Date.now(); })
                    .observe(el, { childList: true, characterData: true, subtree: true }); }""")
            lat = []
            occ = int(page.text_content("#occupancy") or 0)
            for i in range(1, args.ingests + 1):
                t0 = time.time() * 1000
                r = requests.post(f"{base}/api/v1/cameras/{cam}/events", headers={"Authorization": f"Bearer {token}"},
                                  json={"events": [{"seq": i, "time": time.time(), "in": 1, "out": 0}]}, timeout=5)
                r.raise_for_status()
                occ += 1
                seen = None
                deadline = time.monotonic() + 5
                while seen is None and time.monotonic() < deadline:
                    seen = page.evaluate(f"() => window.__seen['{occ}'] || null")
                    if seen is None:
                        time.sleep(0.005)
                if seen is None:
                    print(f"ingest {i}: the page never showed {occ}")
                    return 1
                lat.append(seen - t0)
                time.sleep(0.06)
            browser.close()
        lat.sort()
        p50 = statistics.median(lat)
        p95 = lat[min(len(lat) - 1, max(1, math.ceil(0.95 * len(lat))) - 1)]
        print(f"kiosk bench: zone {args.zone}, Chromium {chromium}, {args.ingests} ingests")
        print(f"  (network requests: cold {cold_n}, warm {warm_n})")
        line("cold page transfer", cold_bytes / 1024, "KiB", "< 1 MB", cold_bytes < TARGET_COLD_BYTES)
        line("cold time to interactive", cold_tti, "ms", "< 1000 ms", cold_tti < TARGET_TTI_MS)
        line("warm page transfer", warm_bytes / 1024, "KiB", "(smaller)", warm_bytes < cold_bytes)
        line("warm time to interactive", warm_tti, "ms", "< 1000 ms", warm_tti < TARGET_TTI_MS)
        line("ingest → screen median", p50, "ms", "(info)", True)
        line("ingest → screen p95", p95, "ms", "< 300 ms", p95 < TARGET_P95_MS)
        ok = cold_bytes < TARGET_COLD_BYTES and cold_tti < TARGET_TTI_MS and warm_tti < TARGET_TTI_MS and p95 < TARGET_P95_MS
        return 0 if ok else 1
    finally:
        web.terminate()
        web.wait(10)
        redis_proc.terminate()
        redis_proc.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
