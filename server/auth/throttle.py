"""Login throttling that slows an attacker's address without locking the real user out.

Failures are counted in Redis (every web process sees them) per scope, and each scope past its free failures is
locked for an exponentially growing time (30 s, 60 s, ... 15 min):

- a browser that has logged in as this user before (a signed device cookie, server/auth/devices.py) is throttled
  only on its own failures: nobody else's guesses can lock it out;
- any other attempt counts against its client address (all usernames), the address + username pair, and the
  account as seen from unknown browsers, so guessing from one address stops quickly and guessing one account
  from many addresses stops too, while the real user's own browser still gets in.

The client address is the socket's peer unless `TRUSTED_PROXIES` reverse proxies are in front, in which case it
is the address those proxies appended to X-Forwarded-For (anything a client sends itself is ignored).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import redis

from server.store.keys import Keys

WINDOW_SECONDS = 15 * 60
BASE_LOCK_SECONDS = 30
MAX_LOCK_SECONDS = 15 * 60
FREE_PER_PAIR = 5  # address + username, or device + username
FREE_PER_ADDRESS = 20  # one address, any usernames
FREE_PER_ACCOUNT = 50  # one username from browsers that never logged in as it

# KEYS: counters; ARGV: window, base, max, then the free failures of each counter. One round trip, atomic.
_FAILED = """
for i, k in ipairs(KEYS) do
  local n = redis.call('INCR', k)
  redis.call('EXPIRE', k, ARGV[1])
  local free = tonumber(ARGV[3 + i])
  if n >= free then
    local lock = math.min(tonumber(ARGV[3]), tonumber(ARGV[2]) * 2 ^ math.min(n - free, 30))
    redis.call('SET', k .. ':lock', '1', 'EX', math.floor(lock))
  end
end
return 1
"""


def client_address(remote_addr: str | None, forwarded_for: str | None, trusted_proxies: int) -> str:
    """The client's address: with N trusted proxies, the N-th X-Forwarded-For entry from the right (the one the
    outermost trusted proxy appended); a request that did not pass through all of them keeps the peer address."""
    peer = remote_addr or "?"
    if trusted_proxies <= 0 or not forwarded_for:
        return peer
    hops = [h.strip() for h in forwarded_for.split(",")]
    if len(hops) < trusted_proxies:
        return peer
    try:
        return str(ipaddress.ip_address(hops[-trusted_proxies]))
    except ValueError:
        return peer


@dataclass(frozen=True)
class Attempt:
    """The scopes one login attempt counts against: (counter key, free failures)."""

    scopes: tuple[tuple[str, int], ...]
    resettable: tuple[str, ...]  # cleared by a success: the pair (or device) counter only


class LoginThrottle:
    def __init__(self, r: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = r, keys
        self._failed = r.register_script(_FAILED)

    def attempt(self, address: str, username: str, device: str | None) -> Attempt:
        user = username.lower()[:64]
        if device:
            pair = self.keys.login_throttle(f"dev:{device}:{user}")
            return Attempt(((pair, FREE_PER_PAIR),), (pair,))
        pair = self.keys.login_throttle(f"pair:{address}:{user}")
        return Attempt(((self.keys.login_throttle(f"ip:{address}"), FREE_PER_ADDRESS), (pair, FREE_PER_PAIR),
                        (self.keys.login_throttle(f"acct:{user}"), FREE_PER_ACCOUNT)), (pair,))

    def retry_after(self, attempt: Attempt) -> int:
        """Seconds until this attempt is allowed (0 = allowed now)."""
        pipe = self.r.pipeline(transaction=False)
        for key, _ in attempt.scopes:
            pipe.pttl(key + ":lock")
        longest = max((ttl for ttl in pipe.execute() if ttl and ttl > 0), default=0)
        return (longest + 999) // 1000

    def failed(self, attempt: Attempt) -> None:
        self._failed(keys=[k for k, _ in attempt.scopes],
                     args=[WINDOW_SECONDS, BASE_LOCK_SECONDS, MAX_LOCK_SECONDS, *(free for _, free in attempt.scopes)])

    def succeeded(self, attempt: Attempt) -> None:
        self.r.delete(*attempt.resettable, *(k + ":lock" for k in attempt.resettable))
