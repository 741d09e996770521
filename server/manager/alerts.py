"""Alerts for managers: crowding, cameras and kiosks offline, occupancy corrections (drift).

The engine runs from the live publisher's tick (about every 2 s, in exactly one process thanks to the
publisher's Redis lock). Each tick it evaluates every condition and compares with the active alerts in
Redis:

* a condition that starts raises an alert (stored in `alerts:active`, emitted as Socket.IO `alert`);
* a condition that ends clears it: the alert moves to `alerts:history` with `cleared` set;
* a manager may acknowledge an alert (who and when are stored); condition alerts stay active until the
  condition ends, drift alerts (one-shot events) end when acknowledged.

Kinds and ids (one alert per subject, so a flapping sensor cannot flood the page):

* `capacity90:<zone>` occupancy ≥ 90 % of safe capacity; clears below 85 %;
* `capacity100:<zone>` occupancy ≥ 100 %; clears below 95 %;
* `camera:<id>` a camera that has sent heartbeats before has been silent for CAMERA_OFFLINE_SECONDS
  (default 30 s); cameras that never reported are not alerted (they are not installed yet);
* `kiosk:<id>` a kiosk known to the kiosk registry silent for KIOSK_OFFLINE_SECONDS (default 60 s);
* `drift:<area>` the store clamped occupancy (negative-clamp), or the reset at opening found at least
  max(5, 5 % of capacity) people still counted; corrections recorded before the engine first ran are
  history, not alerts.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

import redis

from core.mall.schema import Mall
from server.store.keys import Keys

log = logging.getLogger(__name__)

HISTORY_KEEP = 1000
CLEAR_MARGIN = 5.0  # percentage points of hysteresis before a capacity alert clears
RESET_DRIFT_MIN, RESET_DRIFT_SHARE = 5, 0.05  # a reset at opening is drift from max(5 people, 5 % of capacity)

Emit = Callable[[dict[str, Any]], None]
KioskStatus = Callable[[float], dict[str, dict[str, Any]]]


class AlertEngine:
    def __init__(self, r: redis.Redis, keys: Keys, mall: Mall, emit: Emit | None = None, *,
                 camera_offline_seconds: float = 30.0, kiosk_offline_seconds: float = 60.0,
                 kiosk_status: KioskStatus | None = None) -> None:
        self.r, self.keys, self.mall, self.emit = r, keys, mall, emit
        self.camera_offline = float(camera_offline_seconds)
        self.kiosk_offline = float(kiosk_offline_seconds)
        self.kiosk_status = kiosk_status

    # -- reads -------------------------------------------------------------------------
    def active(self) -> list[dict[str, Any]]:
        alerts = [json.loads(v) for v in self.r.hgetall(self.keys.alerts_active).values()]
        return sorted(alerts, key=lambda a: (-_SEVERITY.get(a["severity"], 0), -a["raised"]))

    def history(self, limit: int = 100) -> list[dict[str, Any]]:
        return [json.loads(x) for x in self.r.lrange(self.keys.alerts_history, 0, max(0, limit - 1))]

    # -- conditions --------------------------------------------------------------------
    def _conditions(self, active: dict[str, dict[str, Any]], now: float) -> dict[str, dict[str, Any]]:
        """Every alert condition that holds now: id → {kind, subject, severity, message, value}."""
        out: dict[str, dict[str, Any]] = {}
        zones = self.mall.zones
        occ = self.r.hmget(self.keys.occupancy, [z.id for z in zones]) if zones else []
        for z, raw in zip(zones, occ, strict=True):
            n = int(raw or 0)
            pct = 100.0 * n / z.capacity
            for level, severity in ((90, "warning"), (100, "critical")):
                aid = f"capacity{level}:{z.id}"
                threshold = level - CLEAR_MARGIN if aid in active else level
                if pct >= threshold:
                    msg = f"{z.name_en} · {z.name_zh}: {n} of {z.capacity} ({pct:.0f} %) — at or above {level} % of safe capacity"
                    out[aid] = {"kind": f"capacity{level}", "subject": z.id, "severity": severity, "value": round(pct, 1),
                                "zone": z.id, "message": msg}
        cams = [c.id for c in self.mall.cameras]
        beats = self.r.hmget(self.keys.heartbeats, cams) if cams else []
        for c, raw in zip(self.mall.cameras, beats, strict=True):
            if not raw:
                continue
            try:
                last = float(json.loads(raw)["ts"])
            except (ValueError, KeyError, TypeError):
                continue
            silent = now - last
            if silent >= self.camera_offline:
                where = c.zone or f"entrance {c.entrance}"
                out[f"camera:{c.id}"] = {"kind": "camera_offline", "subject": c.id, "severity": "critical", "value": round(silent),
                                         "zone": c.zone, "message": f"camera {c.id} ({where}) offline: no heartbeat for {silent:.0f} s"}
        if self.kiosk_status is not None:
            try:
                kiosks = self.kiosk_status(self.kiosk_offline)
            except Exception:  # the kiosk registry is another team's code: never let it stop the alerts
                log.exception("alerts: kiosk status failed")
                kiosks = {}
            for kid, st in kiosks.items():
                if not st.get("online"):
                    last = st.get("last_seen")
                    ago = f"for {now - float(last):.0f} s" if isinstance(last, int | float) else "never seen"
                    out[f"kiosk:{kid}"] = {"kind": "kiosk_offline", "subject": kid, "severity": "warning", "zone": st.get("zone"),
                                           "value": None, "message": f"kiosk {kid} ({st.get('zone') or '?'}) offline: no heartbeat {ago}"}
        return out

    def _new_corrections(self) -> dict[str, list[dict[str, Any]]]:
        """Corrections recorded since the last tick, by area (drift evidence)."""
        raw_seen = self.r.get(self.keys.alerts_corrections_seen)
        if raw_seen is None:  # first run: alert on what happens from now on, not on the stored history
            head = self.r.lindex(self.keys.corrections, 0)
            self.r.set(self.keys.alerts_corrections_seen, float(json.loads(head).get("ts", 0)) if head else 0)
            return {}
        seen = float(raw_seen)
        fresh: list[dict[str, Any]] = []
        for raw in self.r.lrange(self.keys.corrections, 0, 199):
            c = json.loads(raw)
            if float(c.get("ts", 0)) <= seen:
                break
            fresh.append(c)
        if fresh:
            self.r.set(self.keys.alerts_corrections_seen, max(float(c.get("ts", 0)) for c in fresh))
        by_area: dict[str, list[dict[str, Any]]] = {}
        for c in fresh:
            if c.get("reason") == "daily-reset" and abs(int(c.get("before") or 0)) < self._reset_threshold(str(c.get("area"))):
                continue  # a few people left over at opening is normal counting noise, not drift
            by_area.setdefault(str(c.get("area")), []).append(c)
        return by_area

    # -- the tick ----------------------------------------------------------------------
    def tick(self, now: float | None = None) -> list[dict[str, Any]]:
        """Evaluate every condition once; returns the alerts raised, updated or cleared."""
        now = time.time() if now is None else now
        active = {k: json.loads(v) for k, v in self.r.hgetall(self.keys.alerts_active).items()}
        conditions = self._conditions(active, now)
        changed: list[dict[str, Any]] = []
        pipe = self.r.pipeline(transaction=False)
        for aid, cond in conditions.items():
            if aid in active:
                a = active[aid]
                if a.get("value") != cond.get("value") and cond["kind"] != "camera_offline":
                    a.update(value=cond["value"], message=cond["message"], updated=now)
                    pipe.hset(self.keys.alerts_active, aid, json.dumps(a))
                continue
            a = {"id": aid, **cond, "state": "active", "raised": now, "updated": now,
                 "acknowledged_by": None, "acknowledged_at": None, "cleared": None}
            pipe.hset(self.keys.alerts_active, aid, json.dumps(a))
            changed.append(a)
        for aid, a in active.items():
            if a["kind"] == "drift" or aid in conditions:
                continue
            a.update(state="cleared", cleared=now, updated=now)
            pipe.hdel(self.keys.alerts_active, aid)
            pipe.lpush(self.keys.alerts_history, json.dumps(a))
            changed.append(a)
        for area, corr in self._new_corrections().items():
            aid = f"drift:{area}"
            z = self.mall.zone(area)
            name = f"{z.name_en} · {z.name_zh}" if z else ("whole mall" if area == "mall" else area)
            last = corr[0]
            a = active.get(aid) or {"id": aid, "kind": "drift", "subject": area, "severity": "info", "raised": now, "count": 0,
                                    "cleared": None}
            a.update(state="active", updated=now, acknowledged_by=None, acknowledged_at=None, value=last.get("before"),
                     count=int(a.get("count", 0)) + len(corr),
                     message=f"{name}: occupancy corrected {last.get('before')} → {last.get('after')} ({last.get('reason')}); "
                             f"{int(a.get('count', 0)) + len(corr)} correction(s) — check the cameras' in/out lines")
            pipe.hset(self.keys.alerts_active, aid, json.dumps(a))
            changed.append(a)
        pipe.ltrim(self.keys.alerts_history, 0, HISTORY_KEEP - 1)
        pipe.execute()
        for a in changed:
            self._emit(a)
        return changed

    def acknowledge(self, alert_id: str, user: dict[str, Any], now: float | None = None) -> dict[str, Any] | None:
        """Record who acknowledged; a drift alert (an event, not a condition) ends with it."""
        now = time.time() if now is None else now
        raw = self.r.hget(self.keys.alerts_active, alert_id)
        if raw is None:
            return None
        a = json.loads(raw)
        a.update(state="acknowledged", acknowledged_by=user.get("name") or user.get("username"), acknowledged_at=now, updated=now)
        pipe = self.r.pipeline(transaction=True)
        if a["kind"] == "drift":
            a.update(state="cleared", cleared=now)
            pipe.hdel(self.keys.alerts_active, alert_id)
            pipe.lpush(self.keys.alerts_history, json.dumps(a))
            pipe.ltrim(self.keys.alerts_history, 0, HISTORY_KEEP - 1)
        else:
            pipe.hset(self.keys.alerts_active, alert_id, json.dumps(a))
        pipe.execute()
        self._emit(a)
        return a

    def _reset_threshold(self, area: str) -> int:
        z = self.mall.zone(area)
        return max(RESET_DRIFT_MIN, int(RESET_DRIFT_SHARE * z.capacity)) if z else RESET_DRIFT_MIN

    def _emit(self, alert: dict[str, Any]) -> None:
        if self.emit is not None:
            try:
                self.emit(alert)
            except Exception:
                log.exception("alerts: emit failed")


_SEVERITY = {"critical": 3, "warning": 2, "info": 1}
