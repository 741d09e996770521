"""HTTP API of assistance requests and the `assist` Socket.IO event.

POST /api/v1/assist                 public (kiosks): {zone, kiosk, reason} → 201 request; 429 + Retry-After
GET  /api/v1/assist?state=open|all  manager or staff: {requests (each with elapsed_seconds, ack_seconds), now,
                                    escalate_after_seconds}
POST /api/v1/assist/<id>/ack        manager or staff (CSRF header); by_name = the user's display name
POST /api/v1/assist/<id>/resolve    manager or staff (CSRF header)
Every change is sent as `assist` (the full request) to staff and to the kiosk that asked, and a new request also
as `assist_new` to staff (server.live.notify). A request still unacknowledged after ASSIST_ESCALATE_SECONDS
becomes a manager alert (`assist:<id>`, server.manager.alerts).
"""

from __future__ import annotations

import time

from flask import Blueprint, jsonify, request

from server.assist.store import check_request, elapsed
from server.auth import current_user, require_role
from server.errors import ApiError
from server.kiosk.enrol import KioskEnrolment
from server.services import Services


def create_blueprint(svc: Services) -> Blueprint:
    bp = Blueprint("assist", __name__, url_prefix="/api/v1/assist")
    enrolment = KioskEnrolment(svc.redis, svc.keys, svc.mall) if svc.settings.kiosk_enrolment else None

    def _global_limit() -> None:
        """Mall-wide cap on new requests per minute, on top of each kiosk's own limits."""
        minute = int(time.time() // 60)
        key = svc.keys.assist_global(minute)
        pipe = svc.redis.pipeline(transaction=True)
        pipe.incr(key)
        pipe.expire(key, 120)
        n = int(pipe.execute()[0])
        if n > svc.settings.assist_global_per_minute:
            raise ApiError(429, "too_many", f"more than {svc.settings.assist_global_per_minute} assistance requests "
                           "this minute in the whole mall; try again shortly", "kiosk", retry_after=60 - int(time.time() % 60))

    @bp.post("")
    def create():  # type: ignore[no-untyped-def]
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise ApiError(400, "invalid", "send a JSON object {zone, kiosk, reason}", "body")
        zone, kiosk, reason = body.get("zone"), body.get("kiosk"), body.get("reason")
        if not isinstance(zone, str) or svc.mall.zone(zone) is None:
            raise ApiError(400, "invalid", "zone must be the id of a zone of this mall", "zone")
        check_request(kiosk, reason)
        if enrolment is not None:  # only enrolled kiosks, each for its own zone
            enrolment.require_http(request, kiosk, zone)
        _global_limit()
        req = svc.assist.create(zone, kiosk, reason)
        svc.notify.assist_new(req)
        svc.notify.assist(req)
        return jsonify(req), 201

    @bp.get("")
    @require_role("manager", "staff")
    def list_requests():  # type: ignore[no-untyped-def]
        state = request.args.get("state", "open")
        if state not in ("open", "all"):
            raise ApiError(400, "invalid", "state must be open or all", "state")
        now = time.time()
        reqs = [{**q, **elapsed(q, now)} for q in svc.assist.list(state)]
        return jsonify({"requests": reqs, "now": now, "escalate_after_seconds": svc.settings.assist_escalate_seconds})

    def _move(rid: str, state: str):  # type: ignore[no-untyped-def]
        if len(rid) > 32:
            raise ApiError(404, "not_found", "no such assistance request", "id")
        user = current_user() or {}
        req = svc.assist.transition(rid, state, str(user.get("name") or user.get("username") or "staff"))
        svc.notify.assist(req)
        return jsonify(req)

    @bp.post("/<rid>/ack")
    @require_role("manager", "staff")
    def ack(rid: str):  # type: ignore[no-untyped-def]
        return _move(rid, "acknowledged")

    @bp.post("/<rid>/resolve")
    @require_role("manager", "staff")
    def resolve(rid: str):  # type: ignore[no-untyped-def]
        return _move(rid, "resolved")

    return bp
