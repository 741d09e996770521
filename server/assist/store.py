"""Assistance requests in Redis. One Lua script makes the per-kiosk abuse limits and the create atomic.

Keys (see server/store/keys.py): a hash per request, a sorted set of open ids, a sorted set of recent ids,
and per kiosk: the open request id, the creation times of its last hour of requests, and the latest id kept a
day so a reconnecting kiosk can resynchronise.

Abuse limits, per kiosk: one open (sent or acknowledged) request at a time, and at most `max_per_hour`
requests in any rolling hour. There is no cool-down after staff resolve a request: a shopper who needs help
again right after the previous request was handled can ask at once (the hourly cap stops a child pressing the
button all afternoon).
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
MAX_PER_HOUR = 12
WINDOW_SECONDS = 3600
OPEN_RETRY_SECONDS = 15  # Retry-After while a request is pending: the kiosk shows its progress meanwhile
KEEP_SECONDS = 7 * 86400
KEEP_RECENT = 1000
FIELDS = ("id", "zone", "kiosk", "reason", "state", "created", "updated", "by_name", "acknowledged_at", "resolved_at")

# KEYS: seq, open, all, kiosk_open, kiosk_window, kiosk_latest; ARGV: zone, kiosk, reason, now, max, window_s, keep_s, prefix
CREATE_LUA = """
local open_id = redis.call('GET', KEYS[4])
if open_id then
  local st = redis.call('HGET', ARGV[8] .. open_id, 'state')
  if st == 'sent' or st == 'acknowledged' then return {-1, open_id, 0} end
  redis.call('DEL', KEYS[4])
end
local now, window = tonumber(ARGV[4]), tonumber(ARGV[6])
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - window)
if redis.call('ZCARD', KEYS[5]) >= tonumber(ARGV[5]) then
  local oldest = redis.call('ZRANGE', KEYS[5], 0, 0, 'WITHSCORES')
  return {-2, '', math.ceil((tonumber(oldest[2]) + window - now) * 1000)}
end
local n = redis.call('INCR', KEYS[1])
local id = 'a' .. n
local key = ARGV[8] .. id
redis.call('HSET', key, 'id', id, 'zone', ARGV[1], 'kiosk', ARGV[2], 'reason', ARGV[3], 'state', 'sent',
           'created', ARGV[4], 'updated', ARGV[4], 'by_name', '', 'acknowledged_at', '', 'resolved_at', '')
redis.call('EXPIRE', key, ARGV[7])
redis.call('ZADD', KEYS[2], ARGV[4], id)
redis.call('ZADD', KEYS[3], ARGV[4], id)
redis.call('SET', KEYS[4], id)
redis.call('ZADD', KEYS[5], ARGV[4], id)
redis.call('EXPIRE', KEYS[5], window)
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
if ARGV[1] == 'acknowledged' then redis.call('HSET', KEYS[1], 'acknowledged_at', ARGV[2]) end
if ARGV[1] == 'resolved' then
  redis.call('HSET', KEYS[1], 'resolved_at', ARGV[2])
  redis.call('ZREM', KEYS[2], ARGV[4])
end
return {0, st}
"""


class AssistError(ApiError):
    """A refused assistance request or transition (answered like every API error)."""


def _ts(v: Any) -> float | None:
    return float(v) if v not in (None, "") else None


def _decode(raw: dict[Any, Any]) -> dict[str, Any]:
    d = {(k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v) for k, v in raw.items()}
    return {
        "id": d["id"], "zone": d["zone"], "kiosk": d["kiosk"], "reason": d["reason"], "state": d["state"],
        "created": float(d["created"]), "updated": float(d["updated"]), "by_name": d.get("by_name") or None,
        "acknowledged_at": _ts(d.get("acknowledged_at")), "resolved_at": _ts(d.get("resolved_at")),
    }


def elapsed(req: dict[str, Any], now: float) -> dict[str, float | None]:
    """How long the shopper has waited: until now (open) or until resolved, and until someone acknowledged."""
    end = req["resolved_at"] if req["resolved_at"] is not None else now
    ack = req["acknowledged_at"]
    return {"elapsed_seconds": round(max(0.0, end - req["created"]), 1),
            "ack_seconds": round(ack - req["created"], 1) if ack is not None else None}


def check_request(kiosk: Any, reason: Any) -> None:
    """The kiosk id and reason of a new request are well formed (checked before the kiosk's secret is)."""
    if not isinstance(kiosk, str) or not KIOSK_ID.match(kiosk):
        raise AssistError(400, "invalid", "kiosk must match ^[a-z0-9-]{1,64}$", "kiosk")
    if not isinstance(reason, str) or reason not in REASONS:
        raise AssistError(400, "invalid", "reason must be one of " + ", ".join(REASONS), "reason")


class AssistStore:
    def __init__(self, r: redis.Redis, keys: Keys, max_per_hour: int = MAX_PER_HOUR) -> None:
        self.r, self.keys, self.max_per_hour = r, keys, int(max_per_hour)
        self._create = r.register_script(CREATE_LUA)
        self._transition = r.register_script(TRANSITION_LUA)
        self._req_prefix = keys.assist_request("")

    def create(self, zone: str, kiosk: str, reason: str, now: float | None = None) -> dict[str, Any]:
        check_request(kiosk, reason)
        now = time.time() if now is None else now
        k = self.keys
        code, rid, wait_ms = self._create(
            keys=[k.assist_seq, k.assist_open, k.assist_all, k.assist_kiosk_open(kiosk), k.assist_kiosk_window(kiosk),
                  k.assist_kiosk_latest(kiosk)],
            args=[zone, kiosk, reason, repr(now), self.max_per_hour, WINDOW_SECONDS, KEEP_SECONDS, self._req_prefix],
        )
        rid = rid.decode() if isinstance(rid, bytes) else rid
        if code == -1:
            raise AssistError(429, "already_open", f"kiosk {kiosk} already has open request {rid}; staff are on their way",
                              "kiosk", retry_after=OPEN_RETRY_SECONDS)
        if code == -2:
            raise AssistError(429, "too_many", f"kiosk {kiosk} sent {self.max_per_hour} requests in the last hour",
                              "kiosk", retry_after=max(1, -(-int(wait_ms) // 1000)))
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

    def overdue(self, now: float, after_seconds: float) -> list[dict[str, Any]]:
        """Open requests nobody has acknowledged `after_seconds` after they were sent (what escalates)."""
        ids = self.r.zrangebyscore(self.keys.assist_open, "-inf", now - after_seconds)
        return [q for q in self._many(ids) if q["state"] == "sent"]

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
