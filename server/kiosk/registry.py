"""Kiosk heartbeats: HSET <prefix>kiosk:hb <kiosk_id> {"zone","ts","version"}; status() says who is online."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import redis

from core.mall.schema import Mall
from server.errors import ApiError
from server.store.keys import Keys

KIOSK_ID = re.compile(r"^[a-z0-9-]{1,64}$")
VERSION = re.compile(r"^[A-Za-z0-9._-]{1,32}$")
STALE_SECONDS = 24 * 3600.0  # a kiosk silent this long is left out of the status (and of offline alerts)


class KioskRegistry:
    def __init__(self, r: redis.Redis, keys: Keys, mall: Mall | None = None) -> None:
        """`mall` is needed to validate heartbeat bodies (`beat_from`); reading the registry needs none."""
        self.r, self.keys, self.mall = r, keys, mall

    def beat_from(self, data: Any) -> dict[str, Any]:
        """Validate and store a heartbeat body (HTTP or Socket.IO); ApiError names the bad field."""
        return self.beat(*self.parse(data))

    def parse(self, data: Any) -> tuple[str, str, str]:
        """(kiosk, zone, version) of a well-formed heartbeat body, checked before the kiosk's secret is."""
        if not isinstance(data, dict):
            raise ApiError(400, "invalid", "send {kiosk, zone, version}", "body")
        kiosk = data.get("kiosk")
        if not isinstance(kiosk, str) or not KIOSK_ID.match(kiosk):
            raise ApiError(400, "invalid", "kiosk must match ^[a-z0-9-]{1,64}$", "kiosk")
        zone = data.get("zone")
        if not isinstance(zone, str) or self.mall is None or self.mall.zone(zone) is None:
            raise ApiError(400, "invalid", "zone must be the id of a zone of this mall", "zone")
        version = data.get("version", "")
        if not isinstance(version, str) or (version and not VERSION.match(version)):
            raise ApiError(400, "invalid", "version must match ^[A-Za-z0-9._-]{1,32}$", "version")
        return kiosk, zone, version

    def beat(self, kiosk: str, zone: str, version: str = "", now: float | None = None) -> dict[str, Any]:
        rec = {"zone": zone, "ts": time.time() if now is None else now, "version": version}
        self.r.hset(self.keys.kiosk_heartbeats, kiosk, json.dumps(rec))
        return rec

    def forget(self, kiosk: str) -> bool:
        return bool(self.r.hdel(self.keys.kiosk_heartbeats, kiosk))

    def status(self, offline_after: float = 60, now: float | None = None,
               stale_after: float = STALE_SECONDS) -> dict[str, dict[str, Any]]:
        """Kiosks heard from within `stale_after` (default a day): an older one is left out, so it stops alerting."""
        now = time.time() if now is None else now
        out: dict[str, dict[str, Any]] = {}
        for kid, raw in sorted(self.r.hgetall(self.keys.kiosk_heartbeats).items()):
            kid = kid.decode() if isinstance(kid, bytes) else kid
            try:
                rec = json.loads(raw)
                ts = float(rec["ts"])
            except (ValueError, KeyError, TypeError):
                continue
            if now - ts > stale_after:
                continue
            out[kid] = {"zone": rec.get("zone"), "online": now - ts <= offline_after, "last_seen": ts,
                        "version": rec.get("version") or None}
        return out
