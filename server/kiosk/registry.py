"""Kiosk heartbeats: HSET <prefix>kiosk:hb <kiosk_id> {"zone","ts","version"}; status() says who is online."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import redis

from server.store.keys import Keys

KIOSK_ID = re.compile(r"^[a-z0-9-]{1,64}$")
VERSION = re.compile(r"^[A-Za-z0-9._-]{1,32}$")


class KioskRegistry:
    def __init__(self, r: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = r, keys

    def beat(self, kiosk: str, zone: str, version: str = "", now: float | None = None) -> dict[str, Any]:
        rec = {"zone": zone, "ts": time.time() if now is None else now, "version": version}
        self.r.hset(self.keys.kiosk_heartbeats, kiosk, json.dumps(rec))
        return rec

    def forget(self, kiosk: str) -> bool:
        return bool(self.r.hdel(self.keys.kiosk_heartbeats, kiosk))

    def status(self, offline_after: float = 60, now: float | None = None) -> dict[str, dict[str, Any]]:
        now = time.time() if now is None else now
        out: dict[str, dict[str, Any]] = {}
        for kid, raw in sorted(self.r.hgetall(self.keys.kiosk_heartbeats).items()):
            kid = kid.decode() if isinstance(kid, bytes) else kid
            try:
                rec = json.loads(raw)
                ts = float(rec["ts"])
            except (ValueError, KeyError, TypeError):
                continue
            out[kid] = {"zone": rec.get("zone"), "online": now - ts <= offline_after, "last_seen": ts,
                        "version": rec.get("version") or None}
        return out
