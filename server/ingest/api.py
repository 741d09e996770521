"""The camera-facing endpoints. Every failure is a 4xx {error, detail, field, path}; nothing is stored on failure."""

from __future__ import annotations

import logging
import math
import time
from typing import Any

from flask import Blueprint, current_app, jsonify, request
from pydantic import BaseModel, ValidationError

from core.mall.schema import MALL_AREA, Camera, Mall
from core.wire import Batch, BatchResult, Heartbeat, error_location
from server.auth.guard import current_user, require_role
from server.errors import ApiError
from server.ingest.models import CameraConfig
from server.ingest.tokens import digest
from server.services import Services
from server.settings import Settings
from server.store.counts import Plausibility

log = logging.getLogger(__name__)

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


def plausibility_limits(mall: Mall, settings: Settings) -> dict[str, Plausibility]:
    """Per area: people per event, people per minute (per camera x the area's cameras), and occupancy up to a
    multiple of capacity (the whole mall: the sum of its zones)."""
    cameras: dict[str, int] = {}
    for c in mall.cameras:
        cameras[c.area] = cameras.get(c.area, 0) + 1
    capacity = {z.id: z.capacity for z in mall.zones}
    capacity[MALL_AREA] = sum(capacity.values())
    return {area: Plausibility(people_per_event=settings.plausible_people_per_event,
                               people_per_minute=settings.plausible_people_per_camera_minute * max(1, cameras.get(area, 0)),
                               occupancy=math.ceil(capacity[area] * settings.plausible_occupancy_factor))
            for area in mall.area_ids}


def create_blueprint(svc: Services) -> Blueprint:
    bp = Blueprint("ingest", __name__, url_prefix="/api/v1")
    settings = svc.settings
    limits = plausibility_limits(svc.mall, settings)

    def bearer_token() -> str:
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or not auth[7:].strip():
            raise ApiError(401, "unauthorized", "send 'Authorization: Bearer <camera token>'", "Authorization")
        return auth[7:].strip()

    def rejected(token: str) -> ApiError:
        """Why a token may not write the path's camera: not a token at all (401), or another camera's (403)."""
        owner = svc.camera_tokens.owner_of(token)
        if owner is None:
            return ApiError(401, "unauthorized", "the camera token is not valid", "Authorization")
        return ApiError(403, "forbidden", f"this token belongs to camera {owner!r}; it may write only its own zones", "camera_id")

    def authenticated_camera(camera_id: str) -> Camera:
        """The path's camera, if the bearer token is that camera's own."""
        token = bearer_token()
        cam = svc.mall.camera(camera_id)
        if cam is not None and svc.camera_tokens.camera_for(token, camera_id):
            return cam
        raise rejected(token)

    def validated_batch(cam: Camera, now: float) -> Batch:
        """The body as a batch this camera may send now (size, event times, its own zone)."""
        batch: Batch = parse_body(Batch)
        if len(batch.events) > settings.max_batch_events:
            raise ApiError(413, "too_many_events", f"at most {settings.max_batch_events} events per batch", "events")
        oldest = now - settings.late_event_hours * 3600
        for i, ev in enumerate(batch.events):
            if ev.time > now + FUTURE_SLACK_SECONDS:
                raise ApiError(422, "invalid", "event time is in the future; check the camera clock", ("events", i, "time"))
            if ev.time < oldest:
                raise ApiError(422, "too_late", f"events older than {settings.late_event_hours} h are not accepted",
                               ("events", i, "time"))
            if ev.zone is not None and ev.zone != cam.area:
                raise ApiError(403, "forbidden", f"camera {cam.id!r} may write only zone {cam.area!r}", ("events", i, "zone"))
        return batch

    @bp.post("/cameras/<camera_id>/events")
    def post_events(camera_id: str):  # type: ignore[no-untyped-def]
        # the token is checked inside the apply script (one round trip); a bad one is explained after it
        token = bearer_token()
        cam = svc.mall.camera(camera_id)
        if cam is None:
            raise rejected(token)
        now = time.time()
        try:
            batch = validated_batch(cam, now)
        except ApiError:
            authenticated_camera(camera_id)  # a caller without this camera's token learns nothing about bodies
            raise
        t0 = time.perf_counter()
        res = svc.counts.apply_batch(cam.id, batch.stream, cam.area, batch.events, now, limits[cam.area],
                                     token_digest=digest(token))
        if res is None:
            raise rejected(token)
        if res.quarantined:
            log.warning("camera %s sent %d implausible events (quarantined, not counted; GET /api/v1/quarantine)",
                        cam.id, res.quarantined)
        observed = [e for e in batch.events if e.occupancy is not None]
        if observed:
            last = max(observed, key=lambda e: e.seq)
            svc.counts.observe_occupancy(cam.id, cam.area, int(last.occupancy or 0), last.time)
        svc.metrics.observe_apply(len(batch.events), time.perf_counter() - t0)
        if res.applied:
            svc.live.mark_dirty(cam.area)
        body = BatchResult(applied=res.applied, duplicates=res.duplicates, high_water=res.high_water, max_seq=res.max_seq,
                           open_gaps=res.open_gaps, occupancy=res.occupancy, quarantined=res.quarantined)
        return current_app.response_class(body.model_dump_json(), mimetype="application/json")

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
