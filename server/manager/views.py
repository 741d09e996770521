"""The manager page and its APIs: zones, zone detail, series, export, alerts, staffing decisions.

Roles: managers see and do everything; staff may open the page but see only the assistance inbox and the
counters (their APIs live with the kiosk and staffing packages and allow staff).
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, send_from_directory

from core.mall.schema import MALL_AREA
from server.auth import current_user, require_role
from server.errors import ApiError
from server.live.payloads import camera_summaries, manager_zone
from server.manager import content_api, export, report
from server.manager.series import binned, comparisons, day_curve, footfall_today
from server.services import Services
from server.store.clock import local


def _page(name: str):  # type: ignore[no-untyped-def]
    resp = send_from_directory(current_app.config["PAGES_DIR"], name)
    resp.headers["Cache-Control"] = "no-cache"
    return resp


def create_blueprint(svc: Services) -> Blueprint:
    bp = Blueprint("manager", __name__)
    mall = svc.mall
    tz = mall.mall.timezone

    @bp.get("/manager")
    @require_role("manager", "staff", page=True)
    def index():  # type: ignore[no-untyped-def]
        return _page("manager.html")

    # -- zones -------------------------------------------------------------------------------
    @bp.get("/api/v1/manager/zones")
    @require_role("manager")
    def zones_manager():  # type: ignore[no-untyped-def]
        stats = svc.reader.area_stats(mall.area_ids)
        return jsonify({"zones": [manager_zone(mall, a, s) for a, s in stats.items()]})

    @bp.get("/api/v1/manager/cameras")
    @require_role("manager")
    def cameras_manager():  # type: ignore[no-untyped-def]
        status = svc.reader.cameras([c.id for c in mall.cameras], svc.settings.camera_offline_seconds)
        return jsonify({"cameras": camera_summaries(status)})

    @bp.get("/api/v1/manager/corrections")
    @require_role("manager")
    def corrections():  # type: ignore[no-untyped-def]
        return jsonify({"corrections": svc.reader.corrections(200)})

    def _kiosks(zone: str | None = None) -> list[dict[str, Any]]:
        status = svc.kiosks.status(svc.alerts.kiosk_offline)
        return [{"kiosk": k, **v} for k, v in sorted(status.items()) if zone is None or v.get("zone") == zone]

    @bp.get("/api/v1/manager/zones/<zone_id>")
    @require_role("manager")
    def zone_detail(zone_id: str):  # type: ignore[no-untyped-def]
        """Occupancy, entries/exits of the last hour, today's curve beside the same weekday last week, health."""
        z = mall.zone(zone_id)
        if z is None and zone_id != MALL_AREA:
            raise ApiError(404, "not_found", f"no zone {zone_id[:64]!r} in this mall", "zone_id")
        reader = svc.reader
        now = time.time()
        stats = reader.area_stats([zone_id], now)[zone_id]
        end = int(now // 60 * 60)
        hour = reader.minutes_of(zone_id, end - 59 * 60, end)
        today = local(now, tz)
        bin_minutes = 15
        curve_today: list[int | None] = list(day_curve(reader, zone_id, today, bin_minutes))
        current_bin = (today.hour * 60 + today.minute) // bin_minutes
        curve_today = [v if i <= current_bin else None for i, v in enumerate(curve_today)]
        last_week = today - timedelta(days=7)
        cams = [c.id for c in mall.cameras if c.area == zone_id]
        cam_status = camera_summaries(reader.cameras(cams, svc.settings.camera_offline_seconds, now)) if cams else []
        alerts = [a for a in svc.alerts.active() if a.get("subject") == zone_id or a.get("zone") == zone_id]
        body: dict[str, Any] = manager_zone(mall, zone_id, stats)
        body.update({
            "name_en": z.name_en if z else "Whole mall", "name_zh": z.name_zh if z else "全场",
            "floor": z.floor if z else None, "category": z.category if z else None,
            "in_1h": sum(x[1] for x in hour), "out_1h": sum(x[2] for x in hour),
            "curve": {"bin_minutes": bin_minutes, "today": curve_today, "today_date": today.strftime("%Y-%m-%d"),
                      "last_week": day_curve(reader, zone_id, last_week, bin_minutes),
                      "last_week_date": last_week.strftime("%Y-%m-%d"),
                      "last_year": comparisons(reader, zone_id, today, bin_minutes)["last_year"]},
            "cameras": cam_status, "kiosks": _kiosks(zone_id), "alerts": alerts,
        })
        return jsonify(body)

    @bp.get("/api/v1/manager/sparklines")
    @require_role("manager")
    def sparklines():  # type: ignore[no-untyped-def]
        """Entries per zone of the last 2 hours in 5-minute bins, and the trend of the last 15 minutes."""
        now = time.time()
        end = int(now // 60 * 60)
        bins, width = 24, 5
        start = end - (bins * width - 1) * 60
        start -= start % (width * 60)
        series = svc.reader.minutes(mall.area_ids, start, end)
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
        area = request.args.get("area", MALL_AREA)
        if area != MALL_AREA and mall.zone(area) is None:
            raise ApiError(400, "invalid", f"unknown area {area[:64]!r}", "area")
        return jsonify(footfall_today(svc.reader, area, time.time()))

    # -- export ------------------------------------------------------------------------------
    def _export_rows() -> tuple[list[dict[str, Any]], str, str]:
        now = local(time.time(), tz)
        first, last = export.parse_range(request.args, now.date())
        areas = export.parse_areas(request.args.getlist("zones"), mall)
        return export.rows(svc.reader, mall, areas, first, last, now), first.isoformat(), last.isoformat()

    @bp.get("/api/v1/manager/export/options")
    @require_role("manager")
    def export_options():  # type: ignore[no-untyped-def]
        """What the export form needs: the allowed dates (mall time) and the zones to pick from."""
        today = local(time.time(), tz).date()
        return jsonify(export.options(mall, today))

    @bp.get("/api/v1/manager/export")
    @require_role("manager")
    def export_json():  # type: ignore[no-untyped-def]
        fmt = request.args.get("format", "json")
        if fmt not in ("json", "csv"):
            raise ApiError(400, "invalid", "format must be json or csv", "format")
        if fmt == "csv":
            return export_csv()
        data, first, last = _export_rows()
        return jsonify({"from": first, "to": last, "timezone": tz, "columns": export.COLUMNS, "rows": data,
                        "occupancy_definition": "running net of entries - exits within the business day, clamped at 0, "
                                                "at the end of each hour; restarts at 00:00 and at the opening hour",
                        "future_hours": "hours of today that have not started are null (not carried forward)"})

    @bp.get("/api/v1/manager/export.csv")
    @require_role("manager")
    def export_csv():  # type: ignore[no-untyped-def]
        data, first, last = _export_rows()
        name = f"footfall-{first}" + (f"-to-{last}" if last != first else "") + ".csv"
        return Response(export.to_csv(data), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})

    # -- date-range report -------------------------------------------------------------------
    def _report() -> dict[str, Any]:
        now = time.time()
        first, last = export.parse_range(request.args, local(now, tz).date())
        areas = export.parse_areas(request.args.getlist("zones"), mall)
        return report.build(svc.reader, mall, areas, first, last, now, svc.staffing.transactions.minutes)

    @bp.get("/api/v1/manager/report")
    @require_role("manager")
    def report_json():  # type: ignore[no-untyped-def]
        fmt = request.args.get("format", "json")
        if fmt not in ("json", "csv"):
            raise ApiError(400, "invalid", "format must be json or csv", "format")
        return report_csv() if fmt == "csv" else jsonify(_report())

    @bp.get("/api/v1/manager/report.csv")
    @require_role("manager")
    def report_csv():  # type: ignore[no-untyped-def]
        rep = _report()
        name = f"report-{rep['from']}" + (f"-to-{rep['to']}" if rep["to"] != rep["from"] else "") + ".csv"
        return Response(report.to_csv(rep), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})

    content_api.add_routes(bp, svc)

    # -- alerts ------------------------------------------------------------------------------
    @bp.get("/api/v1/manager/alerts")
    @require_role("manager")
    def alerts_list():  # type: ignore[no-untyped-def]
        raw = request.args.get("limit", "50")
        if not raw.isdigit() or not 0 < int(raw) <= 1000:
            raise ApiError(400, "invalid", "limit must be an integer 1..1000", "limit")
        active = svc.alerts.active()
        return jsonify({"active": active, "unacknowledged": svc.alerts.unacknowledged(active),
                        "history": svc.alerts.history(int(raw)),
                        "order": "severity (critical, warning, info), then the newest raise or severity change"})

    @bp.post("/api/v1/manager/alerts/<path:alert_id>/ack")
    @require_role("manager")
    def alerts_ack(alert_id: str):  # type: ignore[no-untyped-def]
        a = svc.alerts.acknowledge(alert_id, current_user() or {})
        if a is None:
            raise ApiError(404, "not_found", f"no active alert {alert_id[:80]!r}", "alert_id")
        return jsonify(a)

    return bp
