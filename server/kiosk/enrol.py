"""Kiosk enrolment: a manager enrols a kiosk (id + zone) and gets its secret once; only enrolled kiosks send
heartbeats, engagement and assistance requests, so anonymous callers can neither bury the staff inbox nor
create "kiosk offline" alerts for invented kiosks. An unenrolled browser still shows the zone page read-only.

The secret is stored as a SHA-256 hash (like camera tokens). A device sends it as `X-Kiosk-Token` on HTTP and as
`auth: {kiosk_token}` when its socket connects. Retiring a kiosk drops its secret and its heartbeat record.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

import redis
from flask import Request

from core.mall.schema import Mall
from server.errors import ApiError
from server.kiosk.registry import KIOSK_ID
from server.store.keys import Keys

HEADER = "X-Kiosk-Token"
PREFIX = "kio_"


def digest(secret: str) -> str:
    """What is stored of a secret (and what a socket keeps of it)."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class EnrolledKiosk:
    kiosk: str
    zone: str


class KioskEnrolment:
    def __init__(self, r: redis.Redis, keys: Keys, mall: Mall) -> None:
        self.r, self.keys, self.mall = r, keys, mall

    def enrol(self, kiosk: str, zone: str, by: str = "cli") -> str:
        """Enrol (or re-enrol, replacing the old secret) a kiosk for a zone; returns the secret, shown once."""
        if not isinstance(kiosk, str) or not KIOSK_ID.match(kiosk):
            raise ApiError(422, "invalid", "kiosk must match ^[a-z0-9-]{1,64}$", "kiosk")
        if not isinstance(zone, str) or self.mall.zone(zone) is None:
            raise ApiError(422, "invalid", "zone must be the id of a zone of this mall", "zone")
        secret = PREFIX + secrets.token_urlsafe(24)
        old = self.r.hget(self.keys.kiosk_enrolled, kiosk)
        rec = {"zone": zone, "hash": digest(secret), "enrolled_at": time.time(), "by": by}
        pipe = self.r.pipeline(transaction=True)
        if old:
            pipe.hdel(self.keys.kiosk_secrets, json.loads(old)["hash"])
        pipe.hset(self.keys.kiosk_enrolled, kiosk, json.dumps(rec))
        pipe.hset(self.keys.kiosk_secrets, rec["hash"], kiosk)
        pipe.execute()
        return secret

    def retire(self, kiosk: str) -> bool:
        """Forget a kiosk: its secret stops working and its heartbeat record (hence any offline alert) goes."""
        old = self.r.hget(self.keys.kiosk_enrolled, kiosk)
        pipe = self.r.pipeline(transaction=True)
        if old:
            pipe.hdel(self.keys.kiosk_secrets, json.loads(old)["hash"])
        pipe.hdel(self.keys.kiosk_enrolled, kiosk)
        pipe.hdel(self.keys.kiosk_heartbeats, kiosk)
        pipe.execute()
        return bool(old)

    def enrolled(self) -> dict[str, dict[str, Any]]:
        out = {}
        for k, raw in sorted(self.r.hgetall(self.keys.kiosk_enrolled).items()):
            rec = json.loads(raw)
            out[k] = {"zone": rec["zone"], "enrolled_at": rec["enrolled_at"], "by": rec.get("by")}
        return out

    def kiosk_for(self, secret: str | None) -> EnrolledKiosk | None:
        if not isinstance(secret, str) or not secret.startswith(PREFIX) or len(secret) > 100:
            return None
        return self.kiosk_for_digest(digest(secret))

    def kiosk_for_digest(self, hashed: str | None) -> EnrolledKiosk | None:
        """The kiosk a secret's hash still belongs to: a socket keeps the hash, not the secret, and asks again on
        every heartbeat, so retiring or re-enrolling a kiosk cuts off a socket that is already connected."""
        kiosk = self.r.hget(self.keys.kiosk_secrets, hashed) if hashed else None
        if not kiosk:
            return None
        raw = self.r.hget(self.keys.kiosk_enrolled, kiosk)
        return EnrolledKiosk(kiosk, json.loads(raw)["zone"]) if raw else None

    def require(self, secret: str | None, kiosk: Any, zone: Any = None) -> EnrolledKiosk:
        """The enrolled kiosk behind `secret`, which must be `kiosk` (and serve `zone`, when given); else 401/403."""
        who = self.kiosk_for(secret)
        if who is None:
            raise ApiError(401, "kiosk_not_enrolled", f"only enrolled kiosks may do this: send the kiosk's secret as "
                           f"{HEADER} (a manager enrols kiosks: flask kiosks enrol ID --zone ZONE)", HEADER)
        if kiosk is not None and kiosk != who.kiosk:
            raise ApiError(403, "forbidden", f"this secret belongs to kiosk {who.kiosk!r}", "kiosk")
        if zone is not None and zone != who.zone:
            raise ApiError(403, "forbidden", f"kiosk {who.kiosk!r} is enrolled for zone {who.zone!r}", "zone")
        return who

    def require_http(self, request: Request, kiosk: Any, zone: Any = None) -> EnrolledKiosk:
        return self.require(request.headers.get(HEADER), kiosk, zone)
