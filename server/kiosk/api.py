"""Kiosk data: content, public checkout summary, subsidy calculator, heartbeats, engagement.

GET  /api/v1/kiosk/content/<zone>       merged content of a zone + subsidy rules (public)
GET  /api/v1/kiosk/checkout             {open_counters, open_ids, expected_wait_minutes, wait_label, wait_basis, queue,
                                        source, updated} (public; the manager panel's very wait figure)
POST /api/v1/kiosk/subsidy              {items:[{category, energy_class, price}]} → amounts (public)
POST /api/v1/kiosk/heartbeat            {kiosk, zone, version} (public; sockets use `kiosk_heartbeat`)
GET  /api/v1/kiosk/status               kiosk registry: {kiosks: {id: {zone, online, last_seen}}} (manager, staff)
POST /api/v1/kiosk/engagement           {zone, sessions, session_ms, taps:{feature:n}} (public, counters only)
GET  /api/v1/kiosk/engagement?day=      per-zone report (manager)
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, jsonify, request

from server.auth import require_role
from server.errors import ApiError
from server.kiosk.enrol import KioskEnrolment
from server.kiosk.subsidy import calculate
from server.params import query_number
from server.services import Services

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "invalid", "send a JSON object", "body")
    return body


def create_blueprint(svc: Services) -> Blueprint:
    bp = Blueprint("kiosk", __name__)
    mall = svc.mall
    enrolment = KioskEnrolment(svc.redis, svc.keys, mall) if svc.settings.kiosk_enrolment else None

    def _zone(value: Any) -> str:
        if not isinstance(value, str) or mall.zone(value) is None:
            raise ApiError(400, "invalid", "zone must be the id of a zone of this mall", "zone")
        return value

    @bp.get("/api/v1/kiosk/content/<zone_id>")
    def content(zone_id: str):  # type: ignore[no-untyped-def]
        if mall.zone(zone_id) is None:
            raise ApiError(404, "not_found", f"no zone {zone_id[:64]!r} in this mall", "zone")
        resp = jsonify(svc.content.content.zone_view(zone_id))
        resp.headers["Cache-Control"] = "no-cache"
        return resp

    @bp.get("/api/v1/kiosk/checkout")
    def checkout():  # type: ignore[no-untyped-def]
        resp = jsonify(svc.staffing.checkout_summary())
        resp.headers["Cache-Control"] = "no-store"
        return resp

    @bp.post("/api/v1/kiosk/subsidy")
    def subsidy():  # type: ignore[no-untyped-def]
        body = _json_body()
        return jsonify(calculate(svc.content.content.subsidy, body.get("items")))

    @bp.post("/api/v1/kiosk/heartbeat")
    def heartbeat():  # type: ignore[no-untyped-def]
        kiosk, zone, version = svc.kiosks.parse(_json_body())
        if enrolment is not None:  # only enrolled kiosks: no offline alerts for invented ones
            enrolment.require_http(request, kiosk, zone)
        rec = svc.kiosks.beat(kiosk, zone, version)
        return jsonify({"ok": True, **rec})

    @bp.get("/api/v1/kiosk/status")
    @require_role("manager", "staff")
    def status():  # type: ignore[no-untyped-def]
        after = query_number("offline_after", 60, 1, 86400)
        return jsonify({"kiosks": svc.kiosks.status(after), "offline_after": after})

    @bp.post("/api/v1/kiosk/engagement")
    def engagement_post():  # type: ignore[no-untyped-def]
        body = _json_body()
        zone = _zone(body.get("zone"))
        if enrolment is not None:
            enrolment.require_http(request, None, zone)
        extra = set(body) - {"zone", "sessions", "session_ms", "taps"}
        if extra:
            raise ApiError(400, "invalid", "unexpected field (only counters are accepted): " + ", ".join(sorted(extra)), sorted(extra)[0])
        rec = svc.engagement.record(zone, body)
        return jsonify({"ok": True, **rec}), 202

    @bp.get("/api/v1/kiosk/engagement")
    @require_role("manager")
    def engagement_get():  # type: ignore[no-untyped-def]
        day = request.args.get("day") or svc.engagement.day()
        if not DAY.match(day):
            raise ApiError(400, "invalid", "day must be YYYY-MM-DD", "day")
        return jsonify(svc.engagement.report(day))

    return bp
