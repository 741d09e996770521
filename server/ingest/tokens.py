"""Camera bearer tokens: shown once, stored only as a SHA-256 hash.

Tokens are 256-bit random strings, so a fast hash is enough (no password stretching needed).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import redis

from server.store.keys import Keys


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CameraTokens:
    def __init__(self, r: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = r, keys

    def issue(self, camera_id: str) -> str:
        """Create or replace the camera's token; returns the plain token (the only time it exists)."""
        token = "cam_" + secrets.token_urlsafe(32)
        self.r.hset(self.keys.camera_tokens, camera_id, _digest(token))
        return token

    def has(self, camera_id: str) -> bool:
        return bool(self.r.hexists(self.keys.camera_tokens, camera_id))

    def revoke(self, camera_id: str) -> bool:
        return bool(self.r.hdel(self.keys.camera_tokens, camera_id))

    def registered(self) -> set[str]:
        return set(self.r.hkeys(self.keys.camera_tokens))

    def camera_for(self, token: str, claimed_camera: str) -> bool:
        """True when the token belongs to the claimed camera (constant-time compare)."""
        stored = self.r.hget(self.keys.camera_tokens, claimed_camera)
        return stored is not None and hmac.compare_digest(stored, _digest(token))

    def owner_of(self, token: str, camera_ids: list[str]) -> str | None:
        """Which camera a token belongs to (used to tell 'wrong camera' from 'bad token')."""
        digest = _digest(token)
        stored = self.r.hgetall(self.keys.camera_tokens)
        for cam, h in stored.items():
            if hmac.compare_digest(h, digest):
                return cam
        return None
