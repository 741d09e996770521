"""The demo world's history lands in its real minutes, re-sent history is recognised, the warm-up matches the model."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import redis

from camera.simulate import Simulator
from core.mall.loader import DEFAULT_MALL_FILE, load_mall
from core.mall.schema import MALL_AREA
from server import create_app
from server.cli import setup_demo
from server.demo import demo_mall
from server.settings import Settings
from server.store.keys import Keys
from server.store.reads import Reader
from tests.conftest import ServerProcess


@pytest.fixture
def world(tmp_path: Path, redis_url: str):  # type: ignore[no-untyped-def]
    mall_file, _ = demo_mall(DEFAULT_MALL_FILE, "14:00", tmp_path)
    prefix = f"sim-{int(time.time() * 1000) % 10**8}:"
    settings = Settings(redis_url=redis_url, key_prefix=prefix, secret_key="t", message_queue=False, mall_file=str(mall_file))
    svc = create_app(settings).extensions["services"]
    setup_demo(svc, tmp_path / "demo")
    tokens = {c.id: svc.camera_tokens.issue(c.id) for c in svc.mall.cameras}
    server = ServerProcess(redis_url, prefix, MALL_CONFIG=str(mall_file), LATE_EVENT_HOURS="72", STAFFING_ENGINE="0").start()
    mall = load_mall(mall_file)
    try:
        yield mall, server, tokens, Keys(prefix), svc.api_tokens.issue("sim-test")
    finally:
        server.kill()
        r = redis.Redis.from_url(redis_url)
        keys = list(r.scan_iter(match=prefix + "*", count=1000))
        if keys:
            r.delete(*keys)


def test_history_and_warm_up_land_in_their_minutes(world, tmp_path: Path, redis_url: str) -> None:  # type: ignore[no-untyped-def]
    mall, server, tokens, keys, api_token = world
    sim = Simulator(mall, server.url, tokens, tmp_path / "spool", scale=1.0, seed=2, api_token=api_token)
    tz = ZoneInfo(mall.mall.timezone)
    sim.backfill(1)
    sent = sim.history.sent
    assert sent > 0 and sim.history.duplicates == 0
    sim.backfill(1)  # the same day again: same streams and seqs, so nothing is counted twice
    assert sim.history.sent == sent and sim.history.duplicates == sent
    r = redis.Redis.from_url(redis_url, decode_responses=True)
    reader = Reader(r, keys, mall.mall.timezone)
    y = datetime.now(tz).date() - timedelta(days=1)
    noon = int(datetime(y.year, y.month, y.day, 12, 0, tzinfo=tz).timestamp())
    night = int(datetime(y.year, y.month, y.day, 3, 0, tzinfo=tz).timestamp())
    at_noon = sum(row[1] for row in reader.minutes_of(MALL_AREA, noon, noon + 3600 - 60))
    at_night = sum(row[1] for row in reader.minutes_of(MALL_AREA, night, night + 3600 - 60))
    assert at_noon > 50 and at_night == 0  # yesterday's shape: busy at noon, closed at 03:00

    sim.warm_up(90)  # 12:30 -> 14:xx mall time, sent with its own times
    now = time.time()
    spread = [row[1] for row in reader.minutes_of(MALL_AREA, int(now // 60 * 60) - 90 * 60, int(now // 60 * 60) - 60)]
    assert sum(spread) > 0 and max(spread) < 0.2 * sum(spread)  # spread over its minutes, not one burst
    occ = int(r.hget(keys.occupancy, mall.checkout.zone) or 0)
    assert occ == sim.model.paying  # the server's checkout queue is the model's
    assert sim.feed.sent > 0  # the transactions of those minutes went out on the feed
