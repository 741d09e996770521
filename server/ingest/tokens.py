"""Camera bearer tokens: shown once, stored only as a SHA-256 hash.

Tokens are 256-bit random strings, so a fast hash is enough (no password stretching needed).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import redis

from server.store.keys import Keys


def digest(token: str) -> str:
    """What is stored of a token (and what the apply script compares)."""
    return hashlib.sha256(token.encode()).hexdigest()


class HashedTokens:
    """Named bearer tokens in one Redis hash: name → SHA-256 of the token."""

    def __init__(self, r: redis.Redis, hash_key: str, token_prefix: str) -> None:
        self.r, self.hash_key, self.token_prefix = r, hash_key, token_prefix

    def issue(self, name: str) -> str:
        """Create or replace the token of `name`; returns the plain token (the only time it exists)."""
        token = self.token_prefix + secrets.token_urlsafe(32)
        self.r.hset(self.hash_key, name, digest(token))
        return token

    def has(self, name: str) -> bool:
        return bool(self.r.hexists(self.hash_key, name))

    def revoke(self, name: str) -> bool:
        return bool(self.r.hdel(self.hash_key, name))

    def registered(self) -> set[str]:
        return set(self.r.hkeys(self.hash_key))

    def belongs_to(self, token: str, name: str) -> bool:
        """True when the token is `name`'s (constant-time compare)."""
        stored = self.r.hget(self.hash_key, name)
        return stored is not None and hmac.compare_digest(stored, digest(token))

    def owner_of(self, token: str) -> str | None:
        """Whose token this is (used to tell 'someone else's token' from 'bad token')."""
        mine = digest(token)
        for name, h in self.r.hgetall(self.hash_key).items():
            if hmac.compare_digest(h, mine):
                return name
        return None


class CameraTokens(HashedTokens):
    def __init__(self, r: redis.Redis, keys: Keys) -> None:
        super().__init__(r, keys.camera_tokens, "cam_")
        self.keys = keys

    def camera_for(self, token: str, claimed_camera: str) -> bool:
        return self.belongs_to(token, claimed_camera)


class ApiTokens(HashedTokens):
    """Tokens for outside tools (e.g. the staffing what-if endpoint); managed by `flask api-tokens`."""

    def __init__(self, r: redis.Redis, keys: Keys) -> None:
        super().__init__(r, keys.api_tokens, "api_")
