"""Assistance requests in Redis. One Lua script makes the per-kiosk rate limit and the create atomic.

Keys (see server/store/keys.py): a hash per request, a sorted set of open ids, a sorted set of recent ids,
and per kiosk: the open request id, the latest id with a TTL equal to the minimum gap between requests,
and the latest id kept a day so a reconnecting kiosk can resynchronise.
"""

from __future__ import annotations

import re
import time
from typing import Any

import redis

from server.errors import ApiError
from server.store.keys import Keys

KIOSK_ID = re.compile(r"^[a-z0-9-]{1,64}$")
REASONS = ("product_question", "checkout_help", "accessibility", "other")
STATES = ("sent", "acknowledged", "resolved")
OPEN_STATES = ("sent", "acknowledged")
MIN_GAP_SECONDS = 30
KEEP_SECONDS = 7 * 86400
KEEP_RECENT = 1000
FIELDS = ("id", "zone", "kiosk", "reason", "state", "created", "updated", "by_name")

# KEYS: seq, open, all, kiosk_open, kiosk_last, kiosk_latest; ARGV: zone, kiosk, reason, now, gap_ms, keep_s, prefix
CREATE_LUA = """
local open_id = redis.call('GET', KEYS[4])
if open_id then
  local st = redis.call('HGET', ARGV[7] .. open_id, 'state')
  if st == 'sent' or st == 'acknowledged' then
    return {-1, open_id, redis.call('PTTL', KEYS[5])}
  end
  redis.call('DEL', KEYS[4])
end
local ttl = redis.call('PTTL', KEYS[5])
if ttl > 0 then return {-2, '', ttl} end
local n = redis.call('INCR', KEYS[1])
local id = 'a' .. n
local key = ARGV[7] .. id
redis.call('HSET', key, 'id', id, 'zone', ARGV[1], 'kiosk', ARGV[2], 'reason', ARGV[3], 'state', 'sent',
           'created', ARGV[4], 'updated', ARGV[4], 'by_name', '')
redis.call('EXPIRE', key, ARGV[6])
redis.call('ZADD', KEYS[2], ARGV[4], id)
redis.call('ZADD', KEYS[3], ARGV[4], id)
redis.call('SET', KEYS[4], id)
redis.call('SET', KEYS[5], id, 'PX', ARGV[5])
redis.call('SET', KEYS[6], id, 'EX', 86400)
return {0, id, 0}
"""

# KEYS: request, open; ARGV: new_state, now, by_name, id
TRANSITION_LUA = """
local st = redis.call('HGET', KEYS[1], 'state')
if not st then return {-1, ''} end
if st == 'resolved' then return {-2, st} end
if ARGV[1] == 'acknowledged' and st ~= 'sent' then return {-2, st} end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'updated', ARGV[2])
local by = redis.call('HGET', KEYS[1], 'by_name')
if ARGV[1] == 'acknowledged' or by == '' or not by then redis.call('HSET', KEYS[1], 'by_name', ARGV[3]) end
if ARGV[1] == 'resolved' then redis.call('ZREM', KEYS[2], ARGV[4]) end
return {0, st}
"""


class AssistError(ApiError):
    """A refused assistance request or transition (answered like every API error)."""


def _decode(raw: dict[Any, Any]) -> dict[str, Any]:
    d = {(k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v) for k, v in raw.items()}
    return {
        "id": d["id"], "zone": d["zone"], "kiosk": d["kiosk"], "reason": d["reason"], "state": d["state"],
        "created": float(d["created"]), "updated": float(d["updated"]), "by_name": d.get("by_name") or None,
    }


class AssistStore:
    def __init__(self, r: redis.Redis, keys: Keys, min_gap_seconds: float = MIN_GAP_SECONDS) -> None:
        self.r, self.keys, self.min_gap = r, keys, float(min_gap_seconds)
        self._create = r.register_script(CREATE_LUA)
        self._transition = r.register_script(TRANSITION_LUA)
        self._req_prefix = keys.assist_request("")

    def create(self, zone: str, kiosk: str, reason: str, now: float | None = None) -> dict[str, Any]:
        if not isinstance(kiosk, str) or not KIOSK_ID.match(kiosk):
            raise AssistError(400, "invalid", "kiosk must match ^[a-z0-9-]{1,64}$", "kiosk")
        if reason not in REASONS:
            raise AssistError(400, "invalid", "reason must be one of " + ", ".join(REASONS), "reason")
        now = time.time() if now is None else now
        k = self.keys
        code, rid, ttl = self._create(
            keys=[k.assist_seq, k.assist_open, k.assist_all, k.assist_kiosk_open(kiosk), k.assist_kiosk_last(kiosk),
                  k.assist_kiosk_latest(kiosk)],
            args=[zone, kiosk, reason, repr(now), int(self.min_gap * 1000), KEEP_SECONDS, self._req_prefix],
        )
        rid = rid.decode() if isinstance(rid, bytes) else rid
        if code == -1:
            raise AssistError(429, "already_open", f"kiosk {kiosk} already has open request {rid}; wait until staff resolve it",
                              "kiosk", retry_after=max(1, int(ttl) // 1000 if int(ttl) > 0 else int(self.min_gap)))
        if code == -2:
            raise AssistError(429, "too_soon", f"kiosk {kiosk} sent a request less than {self.min_gap:g} s ago",
                              "kiosk", retry_after=max(1, -(-int(ttl) // 1000)))
        self.r.zremrangebyrank(k.assist_all, 0, -KEEP_RECENT - 1)
        return self.get(rid)  # type: ignore[return-value]

    def get(self, rid: str) -> dict[str, Any] | None:
        raw = self.r.hgetall(self.keys.assist_request(rid))
        return _decode(raw) if raw else None

    def _many(self, ids: list[Any]) -> list[dict[str, Any]]:
        pipe = self.r.pipeline(transaction=False)
        for i in ids:
            pipe.hgetall(self.keys.assist_request(i.decode() if isinstance(i, bytes) else i))
        return [_decode(raw) for raw in pipe.execute() if raw]

    def list(self, state: str = "open", limit: int = 200) -> list[dict[str, Any]]:
        key = self.keys.assist_open if state == "open" else self.keys.assist_all
        return self._many(self.r.zrevrange(key, 0, limit - 1))

    def latest_for_kiosk(self, kiosk: str) -> dict[str, Any] | None:
        rid = self.r.get(self.keys.assist_kiosk_latest(kiosk))
        if rid is None:
            return None
        return self.get(rid.decode() if isinstance(rid, bytes) else rid)

    def transition(self, rid: str, state: str, by_name: str, now: float | None = None) -> dict[str, Any]:
        now = time.time() if now is None else now
        code, old = self._transition(keys=[self.keys.assist_request(rid), self.keys.assist_open],
                                     args=[state, repr(now), by_name, rid])
        old = old.decode() if isinstance(old, bytes) else old
        if code == -1:
            raise AssistError(404, "not_found", f"no assistance request {rid!r}", "id")
        if code == -2:
            raise AssistError(409, "conflict", f"request {rid} is {old}; cannot move it to {state}", "state")
        return self.get(rid)  # type: ignore[return-value]
