"""The manager page and its APIs: zones, zone detail, series, export, alerts, staffing decisions.

Roles: managers see and do everything; staff may open the page but see only the assistance inbox and the
counters (their APIs live with the kiosk and staffing packages and allow staff).
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, send_from_directory

from core.mall.schema import MALL_AREA, Mall
from server.auth import current_user, require_role
from server.errors import ApiError
from server.extensions import socketio
from server.live.payloads import manager_zone
from server.live.publisher import camera_summaries
from server.manager import export
from server.manager.alerts import AlertEngine
from server.manager.series import binned, day_curve, footfall_today, minute_series
from server.store.clock import local

bp = Blueprint("manager", __name__)

DECISIONS_KEEP = 500


def _mall() -> Mall:
    return current_app.extensions["mall"]


def _tz() -> str:
    return _mall().mall.timezone


def _page(name: str):  # type: ignore[no-untyped-def]
    resp = send_from_directory(current_app.config["PAGES_DIR"], name)
    resp.headers["Cache-Control"] = "no-cache"
    return resp


@bp.get("/manager")
@require_role("manager", "staff", page=True)
def index():  # type: ignore[no-untyped-def]
    return _page("manager.html")


# -- zones -------------------------------------------------------------------------------
@bp.get("/api/v1/manager/zones")
@require_role("manager")
def zones_manager():  # type: ignore[no-untyped-def]
    mall = _mall()
    stats = current_app.extensions["reader"].area_stats(mall.area_ids)
    return jsonify({"zones": [manager_zone(mall, a, s) for a, s in stats.items()]})


@bp.get("/api/v1/manager/cameras")
@require_role("manager")
def cameras_manager():  # type: ignore[no-untyped-def]
    mall = _mall()
    settings = current_app.extensions["settings"]
    status = current_app.extensions["reader"].cameras([c.id for c in mall.cameras], settings.camera_offline_seconds)
    return jsonify({"cameras": camera_summaries(status)})


@bp.get("/api/v1/manager/corrections")
@require_role("manager")
def corrections():  # type: ignore[no-untyped-def]
    return jsonify({"corrections": current_app.extensions["reader"].corrections(200)})


def _kiosks(zone: str | None = None) -> list[dict[str, Any]]:
    from server.manager.alerts import kiosk_status_source

    source = kiosk_status_source(current_app.extensions["redis"], current_app.extensions["keys"])
    if source is None:
        return []
    status = source(current_app.extensions["alerts"].kiosk_offline)
    return [{"kiosk": k, **v} for k, v in sorted(status.items()) if zone is None or v.get("zone") == zone]


@bp.get("/api/v1/manager/zones/<zone_id>")
@require_role("manager")
def zone_detail(zone_id: str):  # type: ignore[no-untyped-def]
    """Occupancy, entries/exits of the last hour, today's curve beside the same weekday last week, health."""
    mall = _mall()
    z = mall.zone(zone_id)
    if z is None and zone_id != MALL_AREA:
        raise ApiError(404, "not_found", f"no zone {zone_id[:64]!r} in this mall", "zone_id")
    r, keys, reader, tz = current_app.extensions["redis"], current_app.extensions["keys"], current_app.extensions["reader"], _tz()
    now = time.time()
    stats = reader.area_stats([zone_id], now)[zone_id]
    end = int(now // 60 * 60)
    hour = minute_series(r, keys, tz, [zone_id], end - 59 * 60, end)[zone_id]
    today = local(now, tz)
    bin_minutes = 15
    curve_today: list[int | None] = list(day_curve(r, keys, tz, zone_id, today, bin_minutes))
    current_bin = (today.hour * 60 + today.minute) // bin_minutes
    curve_today = [v if i <= current_bin else None for i, v in enumerate(curve_today)]
    last_week = today - timedelta(days=7)
    cams = [c.id for c in mall.cameras if c.area == zone_id]
    settings = current_app.extensions["settings"]
    cam_status = camera_summaries(reader.cameras(cams, settings.camera_offline_seconds, now)) if cams else []
    alerts = [a for a in current_app.extensions["alerts"].active() if a.get("subject") == zone_id or a.get("zone") == zone_id]
    body: dict[str, Any] = manager_zone(mall, zone_id, stats)
    body.update({
        "name_en": z.name_en if z else "Whole mall", "name_zh": z.name_zh if z else "全场",
        "floor": z.floor if z else None, "category": z.category if z else None,
        "in_1h": sum(x[1] for x in hour), "out_1h": sum(x[2] for x in hour),
        "curve": {"bin_minutes": bin_minutes, "today": curve_today, "today_date": today.strftime("%Y-%m-%d"),
                  "last_week": day_curve(r, keys, tz, zone_id, last_week, bin_minutes),
                  "last_week_date": last_week.strftime("%Y-%m-%d")},
        "cameras": cam_status, "kiosks": _kiosks(zone_id), "alerts": alerts,
    })
    return jsonify(body)


@bp.get("/api/v1/manager/sparklines")
@require_role("manager")
def sparklines():  # type: ignore[no-untyped-def]
    """Entries per zone of the last 2 hours in 5-minute bins, and the trend of the last 15 minutes."""
    mall = _mall()
    now = time.time()
    end = int(now // 60 * 60)
    bins, width = 24, 5
    start = end - (bins * width - 1) * 60
    start -= start % (width * 60)
    series = minute_series(current_app.extensions["redis"], current_app.extensions["keys"], _tz(), mall.area_ids, start, end)
    out: dict[str, Any] = {}
    t: list[int] = []
    for a, rows in series.items():
        bins_ = binned(rows, width)
        t = [b[0] for b in bins_]
        last15 = sum(x[1] for x in rows[-15:])
        prev15 = sum(x[1] for x in rows[-30:-15])
        out[a] = {"entries": [b[1] for b in bins_], "in_15m": last15, "in_prev_15m": prev15, "trend": last15 - prev15}
    return jsonify({"bin_minutes": width, "t": t, "zones": out,
                    "trend_definition": "entries in the last 15 min minus entries in the 15 min before"})


@bp.get("/api/v1/manager/footfall")
@require_role("manager")
def footfall():  # type: ignore[no-untyped-def]
    mall = _mall()
    area = request.args.get("area", MALL_AREA)
    if area != MALL_AREA and mall.zone(area) is None:
        raise ApiError(400, "invalid", f"unknown area {area[:64]!r}", "area")
    return jsonify(footfall_today(current_app.extensions["redis"], current_app.extensions["keys"], _tz(), area, time.time()))


# -- export ------------------------------------------------------------------------------
def _export_rows() -> tuple[list[dict[str, Any]], str, str]:
    mall = _mall()
    today = local(time.time(), _tz()).date()
    first, last = export.parse_range(request.args, today)
    areas = export.parse_areas(request.args.get("zones"), mall)
    return export.rows(current_app.extensions["reader"], mall, areas, first, last), first.isoformat(), last.isoformat()


@bp.get("/api/v1/manager/export")
@require_role("manager")
def export_json():  # type: ignore[no-untyped-def]
    fmt = request.args.get("format", "json")
    if fmt not in ("json", "csv"):
        raise ApiError(400, "invalid", "format must be json or csv", "format")
    if fmt == "csv":
        return export_csv()
    data, first, last = _export_rows()
    return jsonify({"from": first, "to": last, "timezone": _tz(), "columns": export.COLUMNS, "rows": data,
                    "occupancy_definition": "running net of entries - exits within the business day, clamped at 0, "
                                            "at the end of each hour; restarts at 00:00 and at the opening hour"})


@bp.get("/api/v1/manager/export.csv")
@require_role("manager")
def export_csv():  # type: ignore[no-untyped-def]
    data, first, last = _export_rows()
    name = f"footfall-{first}" + (f"-to-{last}" if last != first else "") + ".csv"
    return Response(export.to_csv(data), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


# -- alerts ------------------------------------------------------------------------------
def _alerts() -> AlertEngine:
    return current_app.extensions["alerts"]


@bp.get("/api/v1/manager/alerts")
@require_role("manager")
def alerts_list():  # type: ignore[no-untyped-def]
    raw = request.args.get("limit", "50")
    if not raw.isdigit() or not 0 < int(raw) <= 1000:
        raise ApiError(400, "invalid", "limit must be an integer 1..1000", "limit")
    return jsonify({"active": _alerts().active(), "history": _alerts().history(int(raw))})


@bp.post("/api/v1/manager/alerts/<path:alert_id>/ack")
@require_role("manager")
def alerts_ack(alert_id: str):  # type: ignore[no-untyped-def]
    a = _alerts().acknowledge(alert_id, current_user() or {})
    if a is None:
        raise ApiError(404, "not_found", f"no active alert {alert_id[:80]!r}", "alert_id")
    return jsonify(a)


# -- staffing decisions ------------------------------------------------------------------
def _staffing():  # type: ignore[no-untyped-def]
    from server.staffing.api import _service

    return _service()


def _record_decision(rec: dict[str, Any]) -> None:
    r, keys = current_app.extensions["redis"], current_app.extensions["keys"]
    pipe = r.pipeline(transaction=False)
    pipe.lpush(keys.staffing_decisions, json.dumps(rec))
    pipe.ltrim(keys.staffing_decisions, 0, DECISIONS_KEEP - 1)
    if rec["action"] == "dismiss":
        pipe.set(keys.staffing_dismissed, json.dumps(rec))
    else:
        pipe.delete(keys.staffing_dismissed)
    pipe.execute()
    socketio.emit("staffing_decision", rec, to="managers")


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if body is None and not request.get_data():
        return {}
    if not isinstance(body, dict):
        raise ApiError(400, "invalid", "send a JSON object", "body")
    return body


def _explain(s: dict[str, Any]) -> str:
    ex = s.get("explanation") or {}
    tgt = ex.get("target") or {}
    return (f"accepted suggestion of {s.get('time')}: {s.get('message')} "
            f"(λ={ex.get('lambda_plan_per_hour')}/h, μ={ex.get('mu_per_hour')}/h per counter, "
            f"target {round(100 * float(tgt.get('share', 0)))}% within {tgt.get('wait_seconds')} s)")[:200]


@bp.post("/api/v1/staffing/accept")
@require_role("manager")
def staffing_accept():  # type: ignore[no-untyped-def]
    """Apply the current suggestion: open (or set closing) counters until `suggested_open` are open.

    Each counter change goes through StaffingService.set_counter, so the audit log gets one entry per
    counter with the manager's name and the suggestion's explanation as the reason. Then the engine
    recomputes, which publishes `staffing` to managers and the public `checkout` summary to kiosks.
    """
    from server.staffing.service import CounterError

    body = _json_body()
    svc = _staffing()
    cur = svc.current()
    if cur is None:
        raise ApiError(409, "no_suggestion", "no suggestion computed yet; retry in a few seconds", None)
    seen = body.get("time")
    if seen is not None and seen != cur.get("time") and body.get("suggested_open") != cur.get("suggested_open"):
        raise ApiError(409, "stale", "the suggestion changed since it was shown; review the new one", "time")
    user = current_user() or {}
    by = str(user.get("username", "unknown"))
    target = int(cur["suggested_open"])
    counters = svc.counters()
    open_ids = [c["id"] for c in counters if c["state"] == "open"]
    reason = _explain(cur)
    changed: list[dict[str, Any]] = []
    try:
        if target > len(open_ids):
            for c in [c for c in counters if c["state"] != "open"][: target - len(open_ids)]:
                changed.append(svc.set_counter(str(c["id"]), "open", by, reason))
        elif target < len(open_ids):
            for cid in list(reversed(open_ids))[: len(open_ids) - target]:
                changed.append(svc.set_counter(str(cid), "closing", by, reason))
    except CounterError as exc:
        raise ApiError(exc.status, exc.error, exc.detail, exc.field) from None
    rec = {"action": "accept", "ts": time.time(), "by": by, "by_name": user.get("name"), "suggestion_time": cur.get("time"),
           "suggested_open": target, "open_before": len(open_ids), "changed": [c["id"] for c in changed], "reason": reason}
    _record_decision(rec)
    counters_now = svc.counters()
    socketio.emit("counters", {"counters": counters_now, "audit": svc.audit(20)}, to="staff")
    try:
        fresh = svc.compute_once()
    except Exception:  # the counters are open; a failed recompute only delays the kiosks' summary
        current_app.logger.exception("staffing recompute after accept failed")
        fresh = None
    return jsonify({"decision": rec, "counters": counters_now, "suggestion": fresh})


@bp.post("/api/v1/staffing/dismiss")
@require_role("manager")
def staffing_dismiss():  # type: ignore[no-untyped-def]
    body = _json_body()
    reason = body.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise ApiError(400, "missing", "reason is required: say why the suggestion is dismissed", "reason")
    if len(reason) > 200:
        raise ApiError(400, "invalid", "reason: at most 200 characters", "reason")
    cur = _staffing().current()
    if cur is None:
        raise ApiError(409, "no_suggestion", "no suggestion to dismiss", None)
    user = current_user() or {}
    rec = {"action": "dismiss", "ts": time.time(), "by": user.get("username"), "by_name": user.get("name"),
           "suggestion_time": cur.get("time"), "suggested_open": cur.get("suggested_open"),
           "open_before": cur.get("open_now"), "changed": [], "reason": reason.strip()}
    _record_decision(rec)
    return jsonify({"decision": rec})


@bp.get("/api/v1/staffing/decisions")
@require_role("manager")
def staffing_decisions():  # type: ignore[no-untyped-def]
    r, keys = current_app.extensions["redis"], current_app.extensions["keys"]
    dismissed = r.get(keys.staffing_dismissed)
    return jsonify({"decisions": [json.loads(x) for x in r.lrange(keys.staffing_decisions, 0, 49)],
                    "dismissed": json.loads(dismissed) if dismissed else None})
