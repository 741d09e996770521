"""The camera-facing endpoints of the full server, and the manager's quarantine and occupancy corrections.
The camera rules themselves are in server/ingest/camera_api.py (shared with the camera-only process)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from pydantic import BaseModel

from server.auth.guard import current_user, require_role
from server.errors import ApiError
from server.ingest.camera_api import CameraApi, parse_json
from server.services import Services


def parse_body(model: type[BaseModel]) -> Any:
    """Parse and validate the request's JSON body, naming the first bad field (as text and as data)."""
    return parse_json(model, request.is_json, request.get_data(cache=True))


def _json(model: BaseModel) -> Response:
    return current_app.response_class(model.model_dump_json(), mimetype="application/json")


def create_blueprint(svc: Services) -> Blueprint:
    bp = Blueprint("ingest", __name__, url_prefix="/api/v1")
    settings = svc.settings
    cameras = CameraApi(svc)
    limits = cameras.limits

    @bp.post("/cameras/<camera_id>/events")
    def post_events(camera_id: str):  # type: ignore[no-untyped-def]
        return _json(cameras.events(camera_id, request.headers.get("Authorization"), request.is_json,
                                    request.get_data(cache=True)))

    @bp.get("/quarantine")
    @require_role("manager")
    def quarantine():  # type: ignore[no-untyped-def]
        """Camera events held back as implausible (newest first), with the limits in force."""
        return jsonify({"events": svc.counts.quarantined(200),
                        "limits": {a: vars(p) for a, p in limits.items()}})

    @bp.post("/zones/<zone_id>/occupancy")
    @require_role("manager")
    def correct_occupancy(zone_id: str):  # type: ignore[no-untyped-def]
        """{occupancy, reason}: a manager sets a zone's (or the mall's) occupancy; recorded as a correction."""
        if zone_id not in limits:
            raise ApiError(404, "not_found", f"no zone {zone_id[:64]!r} in this mall", "zone_id")
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise ApiError(400, "invalid", "send a JSON object {occupancy, reason}", "body")
        value, reason = body.get("occupancy"), body.get("reason", "")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limits[zone_id].occupancy:
            raise ApiError(422, "out_of_range", f"occupancy must be a whole number in [0, {limits[zone_id].occupancy}]",
                           "occupancy")
        if not isinstance(reason, str) or not 1 <= len(reason.strip()) <= 200:
            raise ApiError(422, "invalid", "reason: say why, 1-200 characters", "reason")
        user = current_user() or {}
        before = svc.counts.correct_occupancy(zone_id, value, str(user.get("username", "?")), reason.strip())
        svc.live.mark_dirty(zone_id)
        return jsonify({"zone": zone_id, "before": before, "after": value, "reason": "manual"})

    @bp.post("/cameras/<camera_id>/heartbeat")
    def post_heartbeat(camera_id: str):  # type: ignore[no-untyped-def]
        return jsonify(cameras.heartbeat(camera_id, request.headers.get("Authorization"), request.is_json,
                                         request.get_data(cache=True)))

    @bp.get("/cameras/<camera_id>/config")
    def get_config(camera_id: str):  # type: ignore[no-untyped-def]
        return _json(cameras.config(camera_id, request.headers.get("Authorization")))

    @bp.get("/cameras/<camera_id>/status")
    def get_status(camera_id: str):  # type: ignore[no-untyped-def]
        """Sequence state (gaps included) and heartbeat: the camera itself or a manager may read it."""
        user = current_user()
        if user is None or user["role"] != "manager":
            cameras.camera(camera_id, request.headers.get("Authorization"))
        if svc.mall.camera(camera_id) is None:
            raise ApiError(404, "not_found", f"no camera {camera_id!r} in the mall config", "camera_id")
        return jsonify(svc.reader.cameras([camera_id], settings.camera_offline_seconds)[camera_id])

    return bp
