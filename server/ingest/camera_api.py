"""What a camera may do, free of any web framework: the full server's blueprint (server/ingest/api.py) and the
camera-only process (server/ingest/wsgi_app.py) both call these, so the rules are written once.

Every failure is an `ApiError` (a 4xx naming the field); nothing is stored on failure. A batch is authorised
inside the apply script (one Redis round trip); only a refused one pays a second look-up to say why.
"""

from __future__ import annotations

import json
import logging
import math
import time
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from core.mall.schema import MALL_AREA, Camera, Mall
from core.wire import Batch, BatchResult, Heartbeat, error_location
from server.errors import ApiError
from server.ingest.models import CameraConfig
from server.ingest.tokens import digest
from server.services import Services
from server.settings import Settings
from server.store.counts import Plausibility

log = logging.getLogger(__name__)

FUTURE_SLACK_SECONDS = 300  # camera clocks may run a little ahead
M = TypeVar("M", bound=BaseModel)


def parse_json(model: type[M], is_json: bool, data: bytes) -> M:
    """Parse and validate a JSON object body, naming the first bad field (as text and as data). Its nesting
    depth was checked on the way in (`server.jsonbody.check_depth`, in each process's request handling)."""
    if not is_json:
        raise ApiError(415, "unsupported_media_type", "send the body as application/json", "Content-Type")
    try:
        value = json.loads(data)
    except ValueError:
        raise ApiError(400, "malformed_json", "the body is not valid JSON", "body") from None
    if not isinstance(value, dict):
        raise ApiError(422, "invalid", "the body must be a JSON object", "body")
    try:
        return model.model_validate(value)
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


def bearer(authorization: str | None) -> str:
    auth = authorization or ""
    if not auth.startswith("Bearer ") or not auth[7:].strip():
        raise ApiError(401, "unauthorized", "send 'Authorization: Bearer <camera token>'", "Authorization")
    return auth[7:].strip()


class CameraApi:
    """Camera events, heartbeats and config, for the camera whose id is in the path and whose token is sent."""

    def __init__(self, svc: Services) -> None:
        self.svc, self.settings = svc, svc.settings
        self.limits = plausibility_limits(svc.mall, svc.settings)

    def rejected(self, token: str) -> ApiError:
        """Why a token may not write the path's camera: not a token at all (401), or another camera's (403)."""
        owner = self.svc.camera_tokens.owner_of(token)
        if owner is None:
            return ApiError(401, "unauthorized", "the camera token is not valid", "Authorization")
        return ApiError(403, "forbidden", f"this token belongs to camera {owner!r}; it may write only its own zones", "camera_id")

    def camera(self, camera_id: str, authorization: str | None) -> Camera:
        """The path's camera, if the bearer token is that camera's own."""
        token = bearer(authorization)
        cam = self.svc.mall.camera(camera_id)
        if cam is not None and self.svc.camera_tokens.camera_for(token, camera_id):
            return cam
        raise self.rejected(token)

    def _batch(self, cam: Camera, is_json: bool, data: bytes, now: float) -> Batch:
        """The body as a batch this camera may send now (size, event times, its own zone)."""
        batch = parse_json(Batch, is_json, data)
        if len(batch.events) > self.settings.max_batch_events:
            raise ApiError(413, "too_many_events", f"at most {self.settings.max_batch_events} events per batch", "events")
        oldest = now - self.settings.late_event_hours * 3600
        for i, ev in enumerate(batch.events):
            if ev.time > now + FUTURE_SLACK_SECONDS:
                raise ApiError(422, "invalid", "event time is in the future; check the camera clock", ("events", i, "time"))
            if ev.time < oldest:
                raise ApiError(422, "too_late", f"events older than {self.settings.late_event_hours} h are not accepted",
                               ("events", i, "time"))
            if ev.zone is not None and ev.zone != cam.area:
                raise ApiError(403, "forbidden", f"camera {cam.id!r} may write only zone {cam.area!r}", ("events", i, "zone"))
        return batch

    def events(self, camera_id: str, authorization: str | None, is_json: bool, data: bytes) -> BatchResult:
        """Apply a batch: one Redis round trip, the token checked inside the apply script."""
        token = bearer(authorization)
        cam = self.svc.mall.camera(camera_id)
        if cam is None:
            raise self.rejected(token)
        now = time.time()
        try:
            batch = self._batch(cam, is_json, data, now)
        except ApiError:
            self.camera(camera_id, authorization)  # a caller without this camera's token learns nothing about bodies
            raise
        t0 = time.perf_counter()
        res = self.svc.counts.apply_batch(cam.id, batch.stream, cam.area, batch.events, now, self.limits[cam.area],
                                          token_digest=digest(token))
        if res is None:
            raise self.rejected(token)
        if res.quarantined:
            log.warning("camera %s sent %d implausible events (quarantined, not counted; GET /api/v1/quarantine)",
                        cam.id, res.quarantined)
        observed = [e for e in batch.events if e.occupancy is not None]
        if observed:
            last = max(observed, key=lambda e: e.seq)
            self.svc.counts.observe_occupancy(cam.id, cam.area, int(last.occupancy or 0), last.time)
        self.svc.metrics.observe_apply(len(batch.events), time.perf_counter() - t0)
        if res.applied:
            self.svc.live.mark_dirty(cam.area)
        return BatchResult(applied=res.applied, duplicates=res.duplicates, high_water=res.high_water, max_seq=res.max_seq,
                           open_gaps=res.open_gaps, occupancy=res.occupancy, quarantined=res.quarantined)

    def heartbeat(self, camera_id: str, authorization: str | None, is_json: bool, data: bytes) -> dict[str, Any]:
        cam = self.camera(camera_id, authorization)
        hb = parse_json(Heartbeat, is_json, data)
        self.svc.counts.heartbeat(cam.id, hb.model_dump())
        self.svc.live.mark_camera(cam.id)
        return {"ok": True}

    def config(self, camera_id: str, authorization: str | None) -> CameraConfig:
        cam = self.camera(camera_id, authorization)
        return CameraConfig(camera_id=cam.id, zone=cam.zone, entrance=cam.entrance,
                            line=[list(p) for p in cam.line], in_side=cam.in_side, detector=cam.detector)
