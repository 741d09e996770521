"""Transactions per counter per minute in Redis, beside the counts, with per-minute totals for calibration.

One hash per UTC day holds each (counter, minute) record; a second holds the
minute totals (transactions, busy seconds).  One Lua call per batch: a record
equal to the stored one is a duplicate, a different one replaces it and the
totals move by the difference, so resends never double count.
"""

from __future__ import annotations

from collections.abc import Sequence

import redis

from server.checkout.models import TransactionRecord
from server.store.keys import MINUTE_TTL_SECONDS, Keys

APPLY_LUA = """
local ttl = tonumber(ARGV[1])
local applied, dup, replaced = 0, 0, 0
local n = (#ARGV - 1) / 5
for i = 0, n - 1 do
  local kr, kt = KEYS[2 * i + 1], KEYS[2 * i + 2]
  local b = 2 + 5 * i
  local field, minute, value = ARGV[b], ARGV[b + 1], ARGV[b + 2]
  local tx, busy = tonumber(ARGV[b + 3]), tonumber(ARGV[b + 4])
  local old = redis.call('HGET', kr, field)
  if old == value then
    dup = dup + 1
  else
    local otx, obusy = 0, 0
    if old then
      local sep = string.find(old, '|', 1, true)
      otx, obusy = tonumber(string.sub(old, 1, sep - 1)), tonumber(string.sub(old, sep + 1))
      replaced = replaced + 1
    else
      applied = applied + 1
    end
    redis.call('HSET', kr, field, value)
    redis.call('HINCRBY', kt, 't' .. minute, tx - otx)
    redis.call('HINCRBYFLOAT', kt, 'b' .. minute, busy - obusy)
    redis.call('EXPIRE', kr, ttl)
    redis.call('EXPIRE', kt, ttl)
  end
end
return {applied, dup, replaced}
"""


def _day(minute: int) -> int:
    return minute // 86400


class TransactionsStore:
    def __init__(self, r: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = r, keys
        self._apply = r.register_script(APPLY_LUA)

    def apply(self, records: Sequence[TransactionRecord]) -> tuple[int, int, int]:
        """Store a batch atomically; returns (applied, duplicates, replaced)."""
        keys: list[str] = []
        args: list[object] = [MINUTE_TTL_SECONDS]
        for rec in records:
            d = _day(rec.minute)
            busy = 0.0 if rec.busy_seconds is None else round(rec.busy_seconds, 1)
            keys += [self.keys.checkout_transactions(d), self.keys.checkout_transaction_totals(d)]
            args += [f"{rec.counter}:{rec.minute}", rec.minute, f"{rec.transactions}|{busy:.1f}", rec.transactions, f"{busy:.1f}"]
        a, d, rep = self._apply(keys=keys, args=args)
        return int(a), int(d), int(rep)

    def minutes(self, start: int, end: int) -> tuple[list[int], list[float], bool]:
        """Totals per minute from start to end (both included, epoch minute starts): transactions, busy seconds,
        and whether the feed said anything at all in that span."""
        mins = list(range(start - start % 60, end + 1, 60))
        tx: list[int] = []
        busy: list[float] = []
        seen = False
        pipe = self.r.pipeline(transaction=False)
        days: list[int] = []
        for m in mins:
            d = _day(m)
            if not days or days[-1] != d:
                days.append(d)
        groups = {d: [m for m in mins if _day(m) == d] for d in days}
        for d in days:
            fields = [f"t{m}" for m in groups[d]] + [f"b{m}" for m in groups[d]]
            pipe.hmget(self.keys.checkout_transaction_totals(d), fields)
        for d, vals in zip(days, pipe.execute(), strict=True):
            k = len(groups[d])
            seen = seen or any(v is not None for v in vals)
            tx += [int(v) if v is not None else 0 for v in vals[:k]]
            busy += [float(v) if v is not None else 0.0 for v in vals[k:]]
        return tx, busy, seen
