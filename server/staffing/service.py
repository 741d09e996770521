"""Live staffing: counters state in Redis, one leader recomputing the suggestion.

Every web process may run a StaffingService; a Redis lock with expiry elects one
leader (SET NX PX, renewed and released by compare-and-set Lua so a process never
extends or deletes a lock it lost).  Only the leader reads footfall, recomputes
the suggestion every ``interval_seconds``, stores it under
``<prefix>staffing:current`` and calls ``publish``.  If the leader dies its lock
expires and another process takes over within about two lock TTLs; the
hysteresis state lives in Redis too, so the new leader continues where the old
one stopped.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import redis

from core.mall.schema import MALL_AREA, Mall
from server.checkout.store import TransactionsStore
from server.errors import ApiError
from server.live.notify import Notifier
from server.staffing import dismissal
from server.staffing.advisor import AdvisorConfig, AdvisorState, advise
from server.staffing.forecast import DEFAULT_SHAPE, FIT_WINDOW_MINUTES, LAG_RANGE, Calibration, calibrate, forecast
from server.staffing.pos_calibration import PosCalibration, calibrate_from_transactions
from server.staffing.wait import estimate
from server.store.keys import MINUTE_TTL_SECONDS, Keys
from server.store.reads import Reader

log = logging.getLogger(__name__)

COUNTER_STATES = ("open", "closing", "closed")
AUDIT_KEEP = 1000
DECISIONS_KEEP = 500
PUBLIC_FRESH_SECONDS = 120  # an older suggestion's wait is not shown to shoppers
HISTORY_MINUTES = FIT_WINDOW_MINUTES + 2 * LAG_RANGE[1]

# (area, start_minute_ts, end_minute_ts) -> [(minute ts, in, out)], both ends included.
MinuteReader = Callable[[str, int, int], list[tuple[int, int, int]]]

RENEW_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
RELEASE_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class CounterError(ApiError):
    """A refused counter change (answered like every API error)."""


def _fresh(updated: object) -> bool:
    try:
        ts = float(updated) if isinstance(updated, int | float) else datetime.fromisoformat(str(updated)).timestamp()  # older records
    except (TypeError, ValueError):
        return False
    return time.time() - ts <= PUBLIC_FRESH_SECONDS


class StaffingService:
    def __init__(
        self, redis_client: redis.Redis, prefix: str, mall: Mall, publish: Callable[[dict], None] | None = None,
        *, notify: Notifier | None = None, interval_seconds: float = 15.0, lock_ttl_ms: int = 10_000,
        reader: MinuteReader | None = None, instance_id: str | None = None,
    ) -> None:
        """`publish` receives each new suggestion; `notify` (the live notifier) also tells managers, staff and
        kiosks about suggestions and counter changes. `reader` defaults to the store's minute buckets."""
        if interval_seconds <= 0 or lock_ttl_ms < 300:
            raise ValueError("interval_seconds must be > 0 and lock_ttl_ms >= 300")
        self.r, self.prefix, self.mall, self.publish, self.notify = redis_client, prefix, mall, publish, notify
        self.keys = Keys(prefix)
        self.cfg = AdvisorConfig.from_checkout(mall.checkout)
        self.tz = ZoneInfo(mall.mall.timezone)
        self.interval = float(interval_seconds)
        self.ttl_ms = int(lock_ttl_ms)
        self.reader = reader or Reader(redis_client, self.keys, mall.mall.timezone).minutes_of
        self.id = instance_id or f"{uuid.uuid4().hex[:12]}"
        self.counter_ids = [c.id for c in mall.checkout.counters]
        k = self.keys
        self.k_lock, self.k_current, self.k_counters = k.staffing_leader, k.staffing_current, k.staffing_counters
        self.k_audit, self.k_state, self.k_init = k.staffing_audit, k.staffing_advisor, k.staffing_init
        self.k_calibration = k.staffing_calibration  # the last good fit, used when a new one is rejected
        self.transactions = TransactionsStore(redis_client, k)
        self._renew = redis_client.register_script(RENEW_LUA)
        self._release = redis_client.register_script(RELEASE_LUA)
        self._leader = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_compute = 0.0

    # -- counters --------------------------------------------------------------------
    def ensure_counters(self) -> None:
        """First use: every counter closed except the first min_open (audited as the system)."""
        if not self.r.set(self.k_init, "1", nx=True):
            return
        now = time.time()
        for i, cid in enumerate(self.counter_ids):
            st = "open" if i < self.cfg.min_open else "closed"
            rec = {"state": st, "since": now, "by": "system", "reason": "initial state (min_open)"}
            if self.r.hsetnx(self.k_counters, cid, json.dumps(rec)) and st == "open":
                self._audit(cid, "closed", "open", "system", "initial state (min_open)", now)

    def counters(self) -> list[dict[str, object]]:
        self.ensure_counters()
        raw = self.r.hgetall(self.k_counters)
        out = []
        for cid in self.counter_ids:
            v = raw.get(cid) or raw.get(cid.encode()) if raw else None
            rec = json.loads(v) if v else {"state": "closed", "since": None, "by": None, "reason": None}
            out.append({"id": cid, **rec})
        return out

    def open_count(self) -> int:
        return sum(1 for c in self.counters() if c["state"] == "open")

    def set_counter(self, counter_id: str, state: str, by: str, reason: str = "", now: float | None = None) -> dict[str, object]:
        """Change one counter; refuses to go below min_open or above max_open open counters."""
        if counter_id not in self.counter_ids:
            raise CounterError(404, "not_found", f"no counter {counter_id!r}; counters are {', '.join(self.counter_ids)}", "id")
        if state not in COUNTER_STATES:
            raise CounterError(400, "invalid", f"state must be one of {', '.join(COUNTER_STATES)}", "state")
        if not isinstance(reason, str) or len(reason) > 200:
            raise CounterError(400, "invalid", "reason must be a string of at most 200 characters", "reason")
        self.ensure_counters()
        now = time.time() if now is None else now
        with self.r.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(self.k_counters)
                    raw = pipe.hgetall(self.k_counters)
                    states = {(k.decode() if isinstance(k, bytes) else k): json.loads(v)["state"] for k, v in raw.items()}
                    old = states.get(counter_id, "closed")
                    n_open = sum(1 for s in states.values() if s == "open")
                    if old == "open" and state != "open" and n_open - 1 < self.cfg.min_open:
                        raise CounterError(409, "min_open", f"at least {self.cfg.min_open} counters must stay open", "state")
                    if old != "open" and state == "open" and n_open + 1 > self.cfg.max_open:
                        raise CounterError(409, "max_open", f"at most {self.cfg.max_open} counters may be open", "state")
                    rec = {"state": state, "since": now, "by": by, "reason": reason}
                    pipe.multi()
                    pipe.hset(self.k_counters, counter_id, json.dumps(rec))
                    self._audit(counter_id, old, state, by, reason, now, pipe)
                    pipe.execute()
                    return {"id": counter_id, **rec, "previous": old}
                except redis.WatchError:
                    continue

    def change_counter(self, counter_id: str, state: object, by: str, reason: object = "") -> dict[str, object]:
        """One counter change from any door (HTTP, Socket.IO): audit entry, then staff screens and kiosks follow."""
        if not isinstance(state, str):
            raise CounterError(400, "invalid", "state is required: open, closing or closed", "state")
        rec = self.set_counter(counter_id, state, by, "" if reason is None else reason)  # type: ignore[arg-type]
        self.counters_changed()
        return rec

    def counters_changed(self) -> None:
        """Every staff screen redraws its counters grid and every kiosk its checkout figures."""
        if self.notify is not None:
            self.notify.counters(self.counters(), self.audit(20))  # type: ignore[arg-type]
            self.notify.checkout(self.checkout_summary())

    def checkout_summary(self) -> dict[str, object]:
        """What kiosks show: open counters and the expected wait (the engine's when fresh, else from the queue)."""
        queue = self._queue()
        open_now = self.open_count()
        cur = self.current()
        public = cur.get("public") if isinstance(cur, dict) else None
        open_ids = [str(c["id"]) for c in self.counters() if c["state"] == "open"]
        fresh = isinstance(public, dict) and _fresh(public.get("updated"))
        if fresh and public.get("open_counters") == open_now and public.get("queue") == queue:  # type: ignore[union-attr]
            # The very figure the manager panel shows.
            return {**public, "open_ids": open_ids, "source": "staffing"}  # type: ignore[dict-item]
        lam = ((cur or {}).get("explanation") or {}).get("lambda_per_hour", {}).get("0") if fresh else None  # type: ignore[union-attr]
        # One estimate for kiosks and managers: the queue right now, counters open right now.
        wait = estimate(queue, open_now, self._service_seconds(cur), float(lam) if lam is not None else None)
        return {"open_counters": open_now, "open_ids": open_ids, "expected_wait_minutes": wait.minutes,
                "wait_label": wait.label, "wait_label_zh": wait.label_zh, "wait_basis": wait.basis, "queue": queue,
                "source": "staffing" if lam is not None else "estimate", "updated": time.time()}

    def _service_seconds(self, cur: dict[str, object] | None) -> float:
        """The service time in use: the transactions feed's when it told one, else the configured one."""
        v = ((cur or {}).get("explanation") or {}).get("service_seconds")  # type: ignore[union-attr]
        return float(v) if isinstance(v, int | float) and v > 0 else float(self.mall.checkout.service_seconds)

    # -- decisions on suggestions ---------------------------------------------------------
    def record_decision(self, rec: dict[str, object]) -> None:
        """Audit an accepted or dismissed suggestion; a dismissal hides it on every manager screen."""
        pipe = self.r.pipeline(transaction=False)
        pipe.lpush(self.keys.staffing_decisions, json.dumps(rec))
        pipe.ltrim(self.keys.staffing_decisions, 0, DECISIONS_KEEP - 1)
        if rec["action"] == "dismiss":
            pipe.set(self.keys.staffing_dismissed, json.dumps(rec))
        elif rec["action"] in ("accept", "lapse"):
            pipe.delete(self.keys.staffing_dismissed)
        pipe.execute()
        if self.notify is not None:
            self.notify.staffing_decision(rec)

    def decisions(self, limit: int = 50) -> dict[str, object]:
        dismissed = self.r.get(self.keys.staffing_dismissed)
        return {"decisions": [json.loads(x) for x in self.r.lrange(self.keys.staffing_decisions, 0, limit - 1)],
                "dismissed": json.loads(dismissed) if dismissed else None}

    def _audit(self, cid: str, old: str, new: str, by: str, reason: str, ts: float, pipe: redis.client.Pipeline | None = None) -> None:
        p = pipe if pipe is not None else self.r.pipeline(transaction=False)
        p.lpush(self.k_audit, json.dumps({"ts": ts, "counter": cid, "from": old, "to": new, "by": by, "reason": reason}))
        p.ltrim(self.k_audit, 0, AUDIT_KEEP - 1)
        if pipe is None:
            p.execute()

    def audit(self, limit: int = 100) -> list[dict[str, object]]:
        return [json.loads(x) for x in self.r.lrange(self.k_audit, 0, max(0, limit - 1))]

    # -- leadership --------------------------------------------------------------------
    def try_lead(self) -> bool:
        """Acquire the lock, or renew it if ours; False if another process holds it."""
        if self._leader and self._renew(keys=[self.k_lock], args=[self.id, self.ttl_ms]):
            return True
        self._leader = bool(self.r.set(self.k_lock, self.id, nx=True, px=self.ttl_ms))
        if self._leader:
            log.info("staffing: %s became leader", self.id)
        return self._leader

    def leader(self) -> str | None:
        v = self.r.get(self.k_lock)
        return v.decode() if isinstance(v, bytes) else v

    def release(self) -> None:
        if self._leader:
            self._release(keys=[self.k_lock], args=[self.id])
        self._leader = False

    # -- computing -----------------------------------------------------------------------
    def _series(self, area: str, start: int, end: int) -> tuple[list[int], list[int]]:
        rows = self.reader(area, start, end)
        return [int(r[1]) for r in rows], [int(r[2]) for r in rows]

    def _queue(self) -> int | None:
        zone = self.mall.checkout.zone
        if zone is None:
            return None
        v = self.r.hget(self.keys.occupancy, zone)
        return max(0, int(v)) if v is not None else None

    def compute_once(self, now: float | datetime | None = None) -> dict[str, object]:
        """Read footfall, forecast, advise, store and publish; returns the suggestion."""
        ts = time.time() if now is None else (now.timestamp() if isinstance(now, datetime) else float(now))
        local_now = datetime.fromtimestamp(ts, self.tz)
        end = int(ts // 60 * 60) - 60  # last complete minute
        start = end - (HISTORY_MINUTES - 1) * 60
        entries, _ = self._series(MALL_AREA, start, end)
        arrivals = self._series(self.mall.checkout.zone, start, end)[0] if self.mall.checkout.zone else None
        co = self.mall.checkout
        close = datetime.combine(local_now.date(), self.mall.mall.closing_time, tzinfo=self.tz)
        if self.mall.mall.closing_time <= self.mall.mall.opening_time and local_now.time() >= self.mall.mall.opening_time:
            close += timedelta(days=1)  # closes after midnight
        # Before opening no one has come in, so the entries already say "no demand".
        minutes_left = (close - local_now).total_seconds() / 60.0
        cam = calibrate(entries, arrivals, co.conversion, co.lag_minutes, open_minutes_left=minutes_left,
                        last_good=self._last_good())
        if cam.fitted and cam.source == "fit":
            good = Calibration(**{**cam.__dict__, "fitted_at": ts})
            self.r.set(self.k_calibration, json.dumps(good.__dict__))
        pos = self._pos_calibration(entries, start, end)
        cal = _with_feed(cam, pos)
        cfg = replace(self.cfg, service_seconds=pos.service_seconds) if pos and pos.service_seconds else self.cfg
        fc = forecast(entries, arrivals, cal.conversion, cal.lag_minutes, queue_length=self._queue(),
                      open_minutes_left=minutes_left, calibration=cal)
        raw_state = self.r.get(self.k_state)
        state = AdvisorState.from_dict(json.loads(raw_state) if raw_state else None)
        counters = self.counters()
        open_now = sum(1 for c in counters if c["state"] == "open")
        sugg, state = advise(fc, open_now, local_now, cfg, state)
        sugg["explanation"]["transactions_feed"] = pos.as_dict() if pos else None  # type: ignore[index]
        sugg["dismissed"] = self._dismissal(sugg, ts)
        wait = estimate(fc.queue_length, open_now, cfg.service_seconds, fc.at(0))
        sugg["counters"] = {s: sum(1 for c in counters if c["state"] == s) for s in COUNTER_STATES}
        sugg["leader"] = self.id
        sugg["wait"] = wait.as_dict()
        sugg["public"] = {
            "open_counters": open_now,
            "expected_wait_minutes": wait.minutes,
            "wait_label": wait.label,
            "wait_label_zh": wait.label_zh,
            "wait_basis": wait.basis,
            "queue": fc.queue_length,
            "updated": ts,  # epoch seconds, as in the queue-based estimate
        }
        minute = end  # the rate "now" is the rate of the last complete minute
        pipe = self.r.pipeline(transaction=False)
        pipe.set(self.k_current, json.dumps(sugg))
        pipe.set(self.k_state, json.dumps(state.to_dict()))
        pipe.hset(self.keys.staffing_forecast_log(minute // 86400), str(minute), f"{fc.at(0):.2f}")
        pipe.expire(self.keys.staffing_forecast_log(minute // 86400), MINUTE_TTL_SECONDS)
        pipe.execute()
        try:  # a broken socket must not stop the engine
            if self.publish is not None:
                self.publish(sugg)
            if self.notify is not None:
                self.notify.staffing(sugg)
                self.notify.checkout(self.checkout_summary())
        except Exception:
            log.exception("staffing: publish failed")
        self._last_compute = time.monotonic()
        return sugg

    def _pos_calibration(self, entries: list[int], start: int, end: int) -> PosCalibration | None:
        """Conversion, lag and service time from the transactions feed, when it has spoken in the window."""
        tx, busy, seen = self.transactions.minutes(start, end)
        if not seen or len(tx) != len(entries):
            return None
        return calibrate_from_transactions(entries, tx, busy)

    def _dismissal(self, sugg: dict[str, object], now: float) -> dict[str, object] | None:
        """The dismissal still in force for this suggestion; a lapsed one is cleared and audited."""
        raw = self.r.get(self.keys.staffing_dismissed)
        if not raw:
            return None
        rec = json.loads(raw)
        why = dismissal.lapse_reason(rec, sugg, now)
        if why is None:
            return rec
        self.record_decision({"action": "lapse", "ts": now, "by": "system", "by_name": None,
                              "suggestion_time": sugg.get("time"), "suggested_open": sugg.get("suggested_open"),
                              "open_before": sugg.get("open_now"), "changed": [], "reason": why,
                              "dismissal": {k: rec.get(k) for k in ("ts", "by", "reason", "suggested_open")}})
        return None

    def forecast_vs_actual(self, minutes: int, bin_minutes: int = 15, now: float | None = None) -> dict[str, object]:
        """Bins of the last ``minutes``: transactions (the feed), checkout entries (cameras) and the forecast made then."""
        now = time.time() if now is None else now
        end = int(now // 60 * 60) - 60
        start = end - (minutes // bin_minutes * bin_minutes - 1) * 60
        tx, _, seen = self.transactions.minutes(start, end)
        zone = self.mall.checkout.zone
        arrivals = self._series(zone, start, end)[0] if zone else [0] * len(tx)
        mins = list(range(start, end + 1, 60))
        pipe = self.r.pipeline(transaction=False)
        for d in sorted({m // 86400 for m in mins}):
            pipe.hgetall(self.keys.staffing_forecast_log(d))
        logged: dict[int, float] = {}
        for h in pipe.execute():
            logged.update({int(k): float(v) for k, v in h.items()})
        bins = []
        for i in range(0, len(mins), bin_minutes):
            fc = [logged[m] for m in mins[i:i + bin_minutes] if m in logged]
            bins.append({
                "start": datetime.fromtimestamp(mins[i], self.tz).isoformat(timespec="minutes"),
                "transactions": sum(tx[i:i + bin_minutes]) if seen else None,
                "checkout_entries": sum(arrivals[i:i + bin_minutes]),
                "forecast": round(sum(fc) / len(fc) * bin_minutes / 60.0, 1) if fc else None,
            })
        return {"bin_minutes": bin_minutes, "bins": bins, "feed": seen,
                "note": "forecast = arrivals the engine expected for the bin (its rate for now, averaged); "
                        "transactions lag arrivals by the wait and the payment",
                "note_zh": "预测 = 引擎为该时段预计的到达人数（其当时速率的平均）；交易比到达晚一个等待加付款的时间"}

    def _last_good(self) -> Calibration | None:
        raw = self.r.get(self.k_calibration)
        if not raw:
            return None
        try:
            return Calibration(**json.loads(raw))
        except (TypeError, ValueError):
            return None

    def current(self) -> dict[str, object] | None:
        v = self.r.get(self.k_current)
        return json.loads(v) if v else None

    # -- the loop ------------------------------------------------------------------------
    def tick(self) -> bool:
        """One loop turn: keep or take the lock; compute when leader and due. True if computed."""
        try:
            if not self.try_lead():
                return False
            if time.monotonic() - self._last_compute >= self.interval or self._last_compute == 0.0:
                self.compute_once()
                return True
        except redis.RedisError:
            log.warning("staffing: Redis unavailable; will retry", exc_info=True)
            self._leader = False
        except Exception:
            log.exception("staffing: compute failed; will retry")
        return False

    def _run(self) -> None:
        pause = min(self.interval, self.ttl_ms / 3000.0)
        while not self._stop.is_set():
            self.tick()
            self._stop.wait(pause)
        try:
            self.release()
        except redis.RedisError:
            pass

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="staffing", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None


def _with_feed(cam: Calibration, pos: PosCalibration | None) -> Calibration:
    """The transactions feed's conversion (the mall's own truth) with the camera fit's lag when it has one."""
    if pos is None or pos.conversion is None:
        return cam
    lag = cam.lag_minutes if cam.fitted else float(pos.lag_minutes or cam.lag_minutes)
    return Calibration(pos.conversion, lag, cam.shape if cam.fitted else DEFAULT_SHAPE, cam.rmse_per_minute,
                       cam.relative_error, cam.samples, True, cam.note,
                       "transactions feed" + (" + camera lag" if cam.fitted else ""), cam.fitted_at, cam.note_zh)
