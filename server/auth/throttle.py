"""Login throttling: after a few failures from one address for one username, back off exponentially.

Counts live in Redis so every web process sees the same failures.
"""

from __future__ import annotations

import redis

from server.store.keys import Keys

FREE_FAILURES = 5
WINDOW_SECONDS = 15 * 60
BASE_LOCK_SECONDS = 30
MAX_LOCK_SECONDS = 15 * 60


class LoginThrottle:
    def __init__(self, r: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = r, keys

    def _key(self, ip: str, username: str) -> str:
        return self.keys.login_failures(ip, username)

    def retry_after(self, ip: str, username: str) -> int:
        """Seconds until another attempt is allowed (0 = allowed now)."""
        ttl = self.r.pttl(self._key(ip, username) + ":lock")
        return max(0, (ttl + 999) // 1000) if ttl and ttl > 0 else 0

    def failed(self, ip: str, username: str) -> None:
        key = self._key(ip, username)
        n = int(self.r.incr(key))
        self.r.expire(key, WINDOW_SECONDS)
        if n >= FREE_FAILURES:
            lock = min(MAX_LOCK_SECONDS, BASE_LOCK_SECONDS * 2 ** (n - FREE_FAILURES))
            self.r.set(key + ":lock", "1", ex=lock)

    def succeeded(self, ip: str, username: str) -> None:
        self.r.delete(self._key(ip, username), self._key(ip, username) + ":lock")
