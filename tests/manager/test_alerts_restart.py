"""A real server restart: cameras that reconnect within the grace period raise no alert (no raise-then-clear
burst), a camera that stays away is alerted once the grace period is over."""

from __future__ import annotations

import time

import redis

from tests.conftest import ServerProcess
from tests.manager.helpers import Camera, session, user, wait_for

CAMS = ["cam-fridges-1", "cam-tv-theatre-85-1", "cam-smart-kitchen-1", "cam-gaming-laptops-1"]


def test_restart_gives_cameras_a_grace_period(redis_url: str, r: redis.Redis) -> None:
    env = {"CAMERA_OFFLINE_SECONDS": "2", "CAMERA_GRACE_SECONDS": "8", "STAFFING_ENGINE": "0"}
    srv = ServerProcess(redis_url, prefix="rs:", **env).start()
    cams = [Camera(srv.url, r, "rs:", c) for c in CAMS]
    for c in cams:
        c.heartbeat()
    srv.kill()
    time.sleep(3.5)  # the server is down longer than the offline threshold: every stored heartbeat is stale
    again = ServerProcess(redis_url, prefix="rs:", port=srv.port, **env).start()
    t_start = time.monotonic()
    try:
        s = session(again.url, *user(r, "rs:", "boss", "manager"))
        back, away = cams[:-1], cams[-1]
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline:  # the cameras that come back keep beating
            for c in back:
                c.heartbeat()
            time.sleep(0.5)
        body = s.get(again.url + "/api/v1/manager/alerts", timeout=5).json()
        seen = {a["id"] for a in body["active"] + body["history"]}
        assert not {f"camera:{c.id}" for c in cams} & seen, seen  # nothing raised yet, nothing raised and cleared
        # the one that stays away is alerted after the grace period (8 s from the first tick)
        def raised() -> list[str]:
            for c in back:
                c.heartbeat()
            return [a["id"] for a in s.get(again.url + "/api/v1/manager/alerts", timeout=5).json()["active"]
                    if a["kind"] == "camera_offline"]
        got = wait_for(raised, timeout=10, step=0.5)
        assert got == [f"camera:{away.id}"], got
        assert time.monotonic() - t_start >= 7.5
    finally:
        again.kill()
