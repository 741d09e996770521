"""Alerts for managers: crowding, cameras and kiosks offline, assistance waiting, occupancy corrections (drift).

The engine runs from the live publisher's tick (about every 2 s, in exactly one process thanks to the
publisher's Redis lock). Each tick it evaluates every condition and compares with the active alerts in
Redis:

* a condition that starts raises an alert (stored in `alerts:active`, emitted as Socket.IO `alert`);
* a condition whose severity changes escalates or de-escalates the same alert (emitted again); an
  escalation needs a new acknowledgement, a de-escalation keeps the one given;
* a condition that ends clears it: the alert moves to `alerts:history` with `cleared` set;
* a manager may acknowledge an alert (who and when are stored); condition alerts stay active until the
  condition ends, drift alerts (one-shot events) end when acknowledged.

Every alert keeps `raised_value` (the value that raised it), `peak_value`/`peak_severity`, and `message`
(`message_zh` in Chinese) describing the value that set its current severity (never overwritten by later
readings, so the history says what raised it); `value` is the latest reading and `cleared_value` the reading
when it ended. Active alerts are ordered by severity, then by `since` (the last raise, escalation or
de-escalation), newest first.

Kinds and ids (one alert per subject, so a flapping sensor cannot flood the page):

* `capacity:<zone>` warning at ≥ 90 % of safe capacity, critical at ≥ 100 %; with 5 points of hysteresis
  (critical goes back to warning below 95 %, the alert clears below 85 %);
* `camera:<id>` a camera that has sent heartbeats before has been silent for CAMERA_OFFLINE_SECONDS
  (default 30 s); cameras that never reported are not alerted (they are not installed yet). A camera last
  heard before the engine's first tick (a server start) gets CAMERA_GRACE_SECONDS (default 60 s) from that
  start to report again before it is alerted: it could not reach a stopped server, and cameras reconnect
  within seconds. A camera heard since the start is judged by the normal rule; alerts already active stay;
* `kiosk:<id>` a kiosk known to the kiosk registry silent for KIOSK_OFFLINE_SECONDS (default 60 s);
* `assist:<id>` an assistance request still unacknowledged after ASSIST_ESCALATE_SECONDS (escalation to
  managers); clears when staff acknowledge or resolve it;
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

from core.mall.schema import Mall, Zone
from server.store.keys import Keys

log = logging.getLogger(__name__)

HISTORY_KEEP = 1000
CHANGES_KEEP = 20  # severity changes kept on one alert
WARNING_PCT, CRITICAL_PCT = 90.0, 100.0
CLEAR_MARGIN = 5.0  # percentage points of hysteresis before a capacity alert steps down or clears
RESET_DRIFT_MIN, RESET_DRIFT_SHARE = 5, 0.05  # a reset at opening is drift from max(5 people, 5 % of capacity)

SEVERITY = {"critical": 3, "warning": 2, "info": 1}
GROWING = ("camera_offline", "assist_waiting")  # kinds whose value is a time that grows every tick

Emit = Callable[[dict[str, Any]], None]
KioskStatus = Callable[[float], dict[str, dict[str, Any]]]
AssistOverdue = Callable[[float], list[dict[str, Any]]]


def capacity_severity(pct: float, current: str | None) -> str | None:
    """Severity of a zone at `pct` % of capacity given the alert's current severity (hysteresis)."""
    held = CLEAR_MARGIN if current == "critical" else 0.0
    if pct >= CRITICAL_PCT - held:
        return "critical"
    if pct >= WARNING_PCT - (CLEAR_MARGIN if current else 0.0):
        return "warning"
    return None


REASONS_ZH = {"product_question": "产品咨询", "checkout_help": "结账帮助", "accessibility": "无障碍协助", "other": "其他"}


def _capacity_message(z: Zone, n: int, pct: float, severity: str, current: str | None) -> tuple[str, str]:
    """(English, Chinese) text of the reading that set the severity."""
    head = f"{z.name_en} · {z.name_zh}: {n} of {z.capacity} ({pct:.0f} %)"
    head_zh = f"{z.name_zh}：{n}/{z.capacity} 人（{pct:.0f}%）"
    if current == "critical" and severity == "warning":
        lo, hi = WARNING_PCT - CLEAR_MARGIN, CRITICAL_PCT - CLEAR_MARGIN
        return (f"{head} — below {hi:.0f} %: down from critical, still at or above {lo:.0f} % of safe capacity",
                f"{head_zh} — 低于 {hi:.0f}%：由严重降为警告，仍不低于安全容量的 {lo:.0f}%")
    level = CRITICAL_PCT if severity == "critical" else WARNING_PCT
    return f"{head} — at or above {level:.0f} % of safe capacity", f"{head_zh} — 达到安全容量的 {level:.0f}%"


def order_key(a: dict[str, Any]) -> tuple[int, float]:
    """Severity first, then the newest raise or severity change."""
    return (-SEVERITY.get(a["severity"], 0), -float(a.get("since") or a["raised"]))


class AlertEngine:
    def __init__(self, r: redis.Redis, keys: Keys, mall: Mall, emit: Emit | None = None, *,
                 camera_offline_seconds: float = 30.0, kiosk_offline_seconds: float = 60.0,
                 kiosk_status: KioskStatus | None = None, camera_grace_seconds: float = 0.0,
                 assist_overdue: AssistOverdue | None = None) -> None:
        self.r, self.keys, self.mall, self.emit = r, keys, mall, emit
        self.camera_offline = float(camera_offline_seconds)
        self.kiosk_offline = float(kiosk_offline_seconds)
        self.camera_grace = float(camera_grace_seconds)
        self.kiosk_status = kiosk_status
        self.assist_overdue = assist_overdue
        self.started: float | None = None  # the first tick of this engine: the grace period counts from here

    # -- reads -------------------------------------------------------------------------
    def active(self) -> list[dict[str, Any]]:
        alerts = [json.loads(v) for v in self.r.hgetall(self.keys.alerts_active).values()]
        return sorted(alerts, key=order_key)

    def history(self, limit: int = 100) -> list[dict[str, Any]]:
        return [json.loads(x) for x in self.r.lrange(self.keys.alerts_history, 0, max(0, limit - 1))]

    @staticmethod
    def unacknowledged(alerts: list[dict[str, Any]]) -> int:
        """The badge: active alerts nobody has acknowledged (since their last escalation)."""
        return sum(1 for a in alerts if a.get("state") == "active")

    def in_grace(self, now: float) -> bool:
        return self.started is not None and now - self.started < self.camera_grace

    # -- conditions --------------------------------------------------------------------
    def _conditions(self, active: dict[str, dict[str, Any]], now: float,
                    readings: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """Every alert condition that holds now: id → {kind, subject, severity, message, value}.
        `readings` receives every zone's value, held or not (an alert that clears records the reading it cleared at)."""
        out: dict[str, dict[str, Any]] = {}
        zones = self.mall.zones
        occ = self.r.hmget(self.keys.occupancy, [z.id for z in zones]) if zones else []
        for z, raw in zip(zones, occ, strict=True):
            n = int(raw or 0)
            pct = 100.0 * n / z.capacity
            aid = f"capacity:{z.id}"
            readings[aid] = round(pct, 1)
            current = active[aid]["severity"] if aid in active else None
            severity = capacity_severity(pct, current)
            if severity:
                en, zh = _capacity_message(z, n, pct, severity, current)
                out[aid] = {"kind": "capacity", "subject": z.id, "severity": severity, "value": round(pct, 1),
                            "zone": z.id, "message": en, "message_zh": zh}
        grace = self.in_grace(now)
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
            aid = f"camera:{c.id}"
            unheard_since_start = self.started is not None and last < self.started
            if silent >= self.camera_offline and (not (grace and unheard_since_start) or aid in active):
                where = c.zone or f"entrance {c.entrance}"
                cz = self.mall.zone(c.zone) if c.zone else None
                where_zh = cz.name_zh if cz else f"入口 {c.entrance}"
                out[aid] = {"kind": "camera_offline", "subject": c.id, "severity": "critical", "value": round(silent),
                            "zone": c.zone, "message": f"camera {c.id} ({where}) offline: no heartbeat for {silent:.0f} s",
                            "message_zh": f"摄像头 {c.id}（{where_zh}）离线：{silent:.0f} 秒无心跳"}
        if self.kiosk_status is not None:
            try:
                kiosks = self.kiosk_status(self.kiosk_offline)
            except Exception:  # the kiosk registry is another feature's code: never let it stop the alerts
                log.exception("alerts: kiosk status failed")
                kiosks = {}
            for kid, st in kiosks.items():
                if not st.get("online"):
                    last = st.get("last_seen")
                    seen = isinstance(last, int | float)
                    ago = f"for {now - float(last):.0f} s" if seen else "never seen"
                    ago_zh = f"{now - float(last):.0f} 秒无心跳" if seen else "从未上线"
                    kz = self.mall.zone(str(st.get("zone"))) if st.get("zone") else None
                    out[f"kiosk:{kid}"] = {"kind": "kiosk_offline", "subject": kid, "severity": "warning", "zone": st.get("zone"),
                                           "value": None, "message": f"kiosk {kid} ({st.get('zone') or '?'}) offline: no heartbeat {ago}",
                                           "message_zh": f"信息屏 {kid}（{kz.name_zh if kz else st.get('zone') or '?'}）离线：{ago_zh}"}
        if self.assist_overdue is not None:
            for req in self.assist_overdue(now):
                z = self.mall.zone(str(req["zone"]))
                where = f"{z.name_en} · {z.name_zh}" if z else req["zone"]
                waited = now - float(req["created"])
                out[f"assist:{req['id']}"] = {
                    "kind": "assist_waiting", "subject": req["id"], "severity": "warning", "zone": req["zone"],
                    "value": round(waited),
                    "message": f"{where}: kiosk {req['kiosk']} asked for help ({str(req['reason']).replace('_', ' ')}) "
                               f"and nobody has acknowledged it for {waited / 60:.0f} min",
                    "message_zh": f"{z.name_zh if z else req['zone']}：信息屏 {req['kiosk']} 请求协助"
                                  f"（{REASONS_ZH.get(str(req['reason']), str(req['reason']))}），{waited / 60:.0f} 分钟无人响应"}
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
            if c.get("reason") == "manual":
                continue  # a manager set the occupancy on purpose: a fix, not drift
            by_area.setdefault(str(c.get("area")), []).append(c)
        return by_area

    # -- the tick ----------------------------------------------------------------------
    def tick(self, now: float | None = None) -> list[dict[str, Any]]:
        """Evaluate every condition once; returns the alerts raised, escalated, de-escalated or cleared."""
        now = time.time() if now is None else now
        if self.started is None:
            self.started = now
        active = {k: json.loads(v) for k, v in self.r.hgetall(self.keys.alerts_active).items()}
        readings: dict[str, Any] = {}
        conditions = self._conditions(active, now, readings)
        changed: list[dict[str, Any]] = []
        pipe = self.r.pipeline(transaction=False)
        for aid, cond in conditions.items():
            if aid in active:
                a = active[aid]
                before = a.get("value")
                if self._update(a, cond, now):
                    changed.append(a)
                elif before == a.get("value") or cond["kind"] in GROWING:
                    continue  # nothing new worth a write (a silence that grows each tick is not news)
                pipe.hset(self.keys.alerts_active, aid, json.dumps(a))
                continue
            a = {"id": aid, **cond, "state": "active", "raised": now, "since": now, "updated": now,
                 "raised_value": cond.get("value"), "peak_value": cond.get("value"), "peak_severity": cond["severity"],
                 "changes": [{"ts": now, "severity": cond["severity"], "value": cond.get("value")}],
                 "acknowledged_by": None, "acknowledged_at": None, "cleared": None, "cleared_value": None}
            pipe.hset(self.keys.alerts_active, aid, json.dumps(a))
            changed.append(a)
        for aid, a in active.items():
            if a["kind"] == "drift" or aid in conditions:
                continue
            a.update(state="cleared", cleared=now, updated=now, cleared_value=readings.get(aid, a.get("value")))
            pipe.hdel(self.keys.alerts_active, aid)
            pipe.lpush(self.keys.alerts_history, json.dumps(a))
            changed.append(a)
        for area, corr in self._new_corrections().items():
            aid = f"drift:{area}"
            z = self.mall.zone(area)
            name = f"{z.name_en} · {z.name_zh}" if z else ("whole mall" if area == "mall" else area)
            name_zh = z.name_zh if z else ("全场" if area == "mall" else area)
            last = corr[0]
            a = active.get(aid) or {"id": aid, "kind": "drift", "subject": area, "severity": "info", "raised": now, "count": 0,
                                    "cleared": None, "raised_value": last.get("before"), "peak_severity": "info"}
            total = int(a.get("count", 0)) + len(corr)
            a.update(state="active", updated=now, since=now, acknowledged_by=None, acknowledged_at=None,
                     value=last.get("before"), count=total,
                     message=f"{name}: occupancy corrected {last.get('before')} → {last.get('after')} ({last.get('reason')}); "
                             f"{total} correction(s) — check the cameras' in/out lines",
                     message_zh=f"{name_zh}：人数校正 {last.get('before')} → {last.get('after')}（{last.get('reason')}）；"
                                f"共 {total} 次 — 请检查摄像头进出线")
            pipe.hset(self.keys.alerts_active, aid, json.dumps(a))
            changed.append(a)
        pipe.ltrim(self.keys.alerts_history, 0, HISTORY_KEEP - 1)
        pipe.execute()
        for a in changed:
            self._emit(a)
        return changed

    @staticmethod
    def _update(a: dict[str, Any], cond: dict[str, Any], now: float) -> bool:
        """Fold a new reading into an active alert; True when its severity changed (to be emitted)."""
        value = cond.get("value")
        a["value"] = value
        if isinstance(value, int | float) and (a.get("peak_value") is None or value > a["peak_value"]):
            a["peak_value"] = value
        old = a["severity"]
        if cond["severity"] == old:
            return False
        up = SEVERITY.get(cond["severity"], 0) > SEVERITY.get(old, 0)
        a.update(severity=cond["severity"], message=cond["message"], message_zh=cond.get("message_zh"), since=now, updated=now)
        if up:  # worse than what was acknowledged: it needs someone's attention again
            a.update(state="active", acknowledged_by=None, acknowledged_at=None)
            if SEVERITY.get(cond["severity"], 0) > SEVERITY.get(a.get("peak_severity") or "", 0):
                a["peak_severity"] = cond["severity"]
        a["changes"] = ([*a.get("changes", []), {"ts": now, "severity": cond["severity"], "value": value}])[-CHANGES_KEEP:]
        return True

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
            a.update(state="cleared", cleared=now, cleared_value=a.get("value"))
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
