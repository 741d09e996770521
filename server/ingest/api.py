"""The camera-facing endpoints. Every failure is a 4xx {error, detail, field, path}; nothing is stored on failure."""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, jsonify, request
from pydantic import BaseModel, ValidationError

from core.mall.schema import Camera
from core.wire import Batch, BatchResult, Heartbeat, error_location
from server.auth.guard import current_user
from server.errors import ApiError
from server.ingest.models import CameraConfig
from server.services import Services

FUTURE_SLACK_SECONDS = 300  # camera clocks may run a little ahead


def parse_body(model: type[BaseModel]) -> Any:
    """Parse and validate a JSON body, naming the first bad field (as text and as data)."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "send the body as application/json", "Content-Type")
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(400, "malformed_json", "the body is not valid JSON", "body")
    if not isinstance(data, dict):
        raise ApiError(422, "invalid", "the body must be a JSON object", "body")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        path, msg = error_location(exc)
        raise ApiError(422, "invalid", msg, path or "body") from None


def create_blueprint(svc: Services) -> Blueprint:
    bp = Blueprint("ingest", __name__, url_prefix="/api/v1")
    settings = svc.settings

    def authenticated_camera(camera_id: str) -> Camera:
        """The path's camera, if the bearer token is that camera's own."""
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or not auth[7:].strip():
            raise ApiError(401, "unauthorized", "send 'Authorization: Bearer <camera token>'", "Authorization")
        token = auth[7:].strip()
        cam = svc.mall.camera(camera_id)
        if cam is not None and svc.camera_tokens.camera_for(token, camera_id):
            return cam
        owner = svc.camera_tokens.owner_of(token)
        if owner is None:
            raise ApiError(401, "unauthorized", "the camera token is not valid", "Authorization")
        raise ApiError(403, "forbidden", f"this token belongs to camera {owner!r}; it may write only its own zones", "camera_id")

    @bp.post("/cameras/<camera_id>/events")
    def post_events(camera_id: str):  # type: ignore[no-untyped-def]
        cam = authenticated_camera(camera_id)
        batch: Batch = parse_body(Batch)
        if len(batch.events) > settings.max_batch_events:
            raise ApiError(413, "too_many_events", f"at most {settings.max_batch_events} events per batch", "events")
        now = time.time()
        oldest = now - settings.late_event_hours * 3600
        for i, ev in enumerate(batch.events):
            if ev.time > now + FUTURE_SLACK_SECONDS:
                raise ApiError(422, "invalid", "event time is in the future; check the camera clock", ("events", i, "time"))
            if ev.time < oldest:
                raise ApiError(422, "too_late", f"events older than {settings.late_event_hours} h are not accepted",
                               ("events", i, "time"))
            if ev.zone is not None and ev.zone != cam.area:
                raise ApiError(403, "forbidden", f"camera {cam.id!r} may write only zone {cam.area!r}", ("events", i, "zone"))
        t0 = time.perf_counter()
        res = svc.counts.apply_batch(cam.id, batch.stream, cam.area, batch.events, now)
        observed = [e for e in batch.events if e.occupancy is not None]
        if observed:
            last = max(observed, key=lambda e: e.seq)
            svc.counts.observe_occupancy(cam.id, cam.area, int(last.occupancy or 0), last.time)
        svc.metrics.observe_apply(len(batch.events), time.perf_counter() - t0)
        if res.applied:
            svc.live.mark_dirty(cam.area)
        body = BatchResult(applied=res.applied, duplicates=res.duplicates, high_water=res.high_water, max_seq=res.max_seq,
                           open_gaps=res.open_gaps, occupancy=res.occupancy)
        return jsonify(body.model_dump())

    @bp.post("/cameras/<camera_id>/heartbeat")
    def post_heartbeat(camera_id: str):  # type: ignore[no-untyped-def]
        cam = authenticated_camera(camera_id)
        hb: Heartbeat = parse_body(Heartbeat)
        svc.counts.heartbeat(cam.id, hb.model_dump())
        svc.live.mark_camera(cam.id)
        return jsonify({"ok": True})

    @bp.get("/cameras/<camera_id>/config")
    def get_config(camera_id: str):  # type: ignore[no-untyped-def]
        cam = authenticated_camera(camera_id)
        body = CameraConfig(camera_id=cam.id, zone=cam.zone, entrance=cam.entrance,
                            line=[list(p) for p in cam.line], in_side=cam.in_side, detector=cam.detector)
        return jsonify(body.model_dump())

    @bp.get("/cameras/<camera_id>/status")
    def get_status(camera_id: str):  # type: ignore[no-untyped-def]
        """Sequence state (gaps included) and heartbeat: the camera itself or a manager may read it."""
        user = current_user()
        if user is None or user["role"] != "manager":
            authenticated_camera(camera_id)
        if svc.mall.camera(camera_id) is None:
            raise ApiError(404, "not_found", f"no camera {camera_id!r} in the mall config", "camera_id")
        return jsonify(svc.reader.cameras([camera_id], settings.camera_offline_seconds)[camera_id])

    return bp
