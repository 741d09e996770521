"""Helpers for the manager tests: login with CSRF, ingest through the camera API, seeded demand, waiting."""

from __future__ import annotations

import time
from typing import Any

import redis
import requests

from core.mall.loader import load_mall
from core.wire import CountEvent
from server.auth.users import Users
from server.ingest.tokens import CameraTokens
from server.store.counts import CountStore
from server.store.keys import Keys
from tests.conftest import ROOT, login
from tests.helpers import auth

SHOTS = ROOT / "test-artifacts" / "screenshots"
PASSWORD = "correct-horse-1"


def user(r: redis.Redis, prefix: str, username: str, role: str) -> tuple[str, str]:
    Users(r, Keys(prefix)).create(username, PASSWORD, role, username.title(), replace=True)
    return username, PASSWORD


def session(base: str, username: str, password: str = PASSWORD) -> requests.Session:
    s = login(base, username, password)
    s.headers["X-CSRF-Token"] = s.get(base + "/api/v1/session", timeout=5).json()["csrf"]
    return s


class Camera:
    """A camera that posts through the real ingest API with its own bearer token."""

    def __init__(self, base: str, r: redis.Redis, prefix: str, camera_id: str) -> None:
        self.base, self.id = base, camera_id
        self.token = CameraTokens(r, Keys(prefix)).issue(camera_id)
        self.seq = 0

    def send(self, events: list[tuple[float, int, int]]) -> dict[str, Any]:
        body = []
        for t, cin, cout in events:
            self.seq += 1
            body.append({"seq": self.seq, "time": t, "in": cin, "out": cout})
        res = requests.post(f"{self.base}/api/v1/cameras/{self.id}/events", json={"events": body}, headers=auth(self.token), timeout=5)
        assert res.status_code == 200, res.text
        return res.json()

    def heartbeat(self) -> None:
        res = requests.post(f"{self.base}/api/v1/cameras/{self.id}/heartbeat", headers=auth(self.token), timeout=5,
                            json={"fps": 12.0, "dropped_frames": 0, "spool_depth": 0, "version": "test"})
        assert res.status_code == 200, res.text


def wait_for(pred, timeout: float = 5.0, step: float = 0.05):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


def seed_demand(r: redis.Redis, prefix: str, per_minute: int = 5, minutes: int = 90) -> None:
    """Whole-mall entries for the last 90 minutes, written by the real store (as the ingest does)."""
    mall = load_mall(None)
    store = CountStore(r, Keys(prefix), mall.mall.timezone, mall.mall.opening_time)
    now = time.time()
    cam = next(c.id for c in mall.cameras if c.entrance)
    store.apply_batch(cam, "seed", "mall", [CountEvent.of(i + 1, now - (minutes - i) * 60, per_minute, 0) for i in range(minutes)], now)
