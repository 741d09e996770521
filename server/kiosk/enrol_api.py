"""Managers enrol and retire kiosks.

GET  /api/v1/kiosks                     enrolled kiosks with their status (manager)
POST /api/v1/kiosks {kiosk, zone}       enrol (or re-enrol): 201 {kiosk, zone, secret, link}; the secret is shown once
POST /api/v1/kiosks/<kiosk>/retire      the secret stops working and the kiosk leaves the status (manager)
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, jsonify, request

from server.auth import current_user, require_role
from server.errors import ApiError
from server.kiosk.enrol import KioskEnrolment
from server.services import Services


def enrol_link(zone: str, kiosk: str, secret: str) -> str:
    """Opened once on the device: the kiosk page keeps the secret and drops it from the address bar."""
    return f"/kiosk/{quote(zone)}?kiosk={quote(kiosk)}#enrol={quote(secret)}"


def create_blueprint(svc: Services) -> Blueprint:
    bp = Blueprint("kiosk_enrol", __name__, url_prefix="/api/v1/kiosks")
    enrolment = KioskEnrolment(svc.redis, svc.keys, svc.mall)

    @bp.get("")
    @require_role("manager")
    def list_kiosks():  # type: ignore[no-untyped-def]
        status = svc.kiosks.status(svc.settings.kiosk_offline_seconds)
        return jsonify({"kiosks": {k: {**rec, **status.get(k, {"online": False, "last_seen": None})}
                                   for k, rec in enrolment.enrolled().items()},
                        "required": svc.settings.kiosk_enrolment})

    @bp.post("")
    @require_role("manager")
    def enrol():  # type: ignore[no-untyped-def]
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise ApiError(400, "invalid", "send a JSON object {kiosk, zone}", "body")
        kiosk, zone = body.get("kiosk"), body.get("zone")
        secret = enrolment.enrol(kiosk, zone, by=str((current_user() or {}).get("username", "?")))
        return jsonify({"kiosk": kiosk, "zone": zone, "secret": secret, "link": enrol_link(zone, kiosk, secret)}), 201

    @bp.post("/<kiosk>/retire")
    @require_role("manager")
    def retire(kiosk: str):  # type: ignore[no-untyped-def]
        if not enrolment.retire(kiosk[:64]):
            raise ApiError(404, "not_found", f"no enrolled kiosk {kiosk[:64]!r}", "kiosk")
        return jsonify({"kiosk": kiosk, "retired": True})

    return bp
