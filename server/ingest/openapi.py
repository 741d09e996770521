"""The ingest routes' entries in the OpenAPI document: camera writes and reads, quarantine, occupancy corrections."""

from __future__ import annotations

from typing import Any

from core.mall.schema import Mall
from core.wire import Batch, BatchResult, ErrorBody, Heartbeat
from server.api_doc.parts import (
    BOOL,
    CAMERA,
    INT,
    NUM,
    SESSION,
    SESSION_WRITE,
    STR,
    TIME,
    Schema,
    array,
    errors,
    json_body,
    map_of,
    model_schemas,
    nullable,
    obj,
    ok,
    operation,
    path_param,
    ref,
)
from server.ingest.models import CameraConfig, CameraStatus, Ok


def schemas() -> dict[str, Schema]:
    return model_schemas([Batch, BatchResult, Heartbeat, Ok, ErrorBody, CameraConfig, CameraStatus])


def paths(mall: Mall) -> dict[str, Any]:
    camera = path_param("camera_id", {"type": "string", "minLength": 1, "maxLength": 64,
                                      "enum": [c.id for c in mall.cameras]}, "A camera of the mall config")
    area = path_param("zone_id", {"type": "string", "enum": mall.area_ids}, "A zone id, or 'mall' for the whole mall")
    parsed = errors(415, 422)  # bodies validated by the pydantic models: 415 not JSON, 422 a bad field
    return {
        "/api/v1/cameras/{camera_id}/events": {"post": operation(
            "Apply a batch of count events (atomic, idempotent by seq)", CAMERA,
            {**ok(ref("BatchResult")), **parsed}, [camera], json_body(ref("Batch")))},
        "/api/v1/cameras/{camera_id}/heartbeat": {"post": operation(
            "Camera health: fps, dropped frames, spool depth, version", CAMERA,
            {**ok(ref("Ok")), **parsed}, [camera], json_body(ref("Heartbeat")))},
        "/api/v1/cameras/{camera_id}/config": {"get": operation(
            "The camera's counting line and detector", CAMERA, ok(ref("CameraConfig")), [camera])},
        "/api/v1/cameras/{camera_id}/status": {"get": operation(
            "Sequence state (high-water mark, open gaps, gap log) and last heartbeat: the camera or a manager",
            [*CAMERA, *SESSION], ok(ref("CameraStatus")), [camera])},
        "/api/v1/quarantine": {"get": operation(
            "Camera events held back as implausible (newest first) and the limits in force (manager)", SESSION,
            ok(obj({"events": array({"type": "object"}),
                    "limits": map_of(obj({"people_per_event": INT, "people_per_minute": INT, "occupancy": INT}))})))},
        "/api/v1/zones/{zone_id}/occupancy": {"post": operation(
            "A manager sets a zone's (or the mall's) occupancy; recorded as a correction", SESSION_WRITE,
            {**ok(obj({"zone": STR, "before": INT, "after": INT, "reason": STR})), **errors(422)}, [area],
            json_body(obj({"occupancy": {"type": "integer", "minimum": 0}, "reason": {"type": "string", "minLength": 1,
                                                                                     "maxLength": 200}}))),
        },
    }



def camera_summary() -> dict[str, Any]:
    """One camera in the manager's camera list (server.live.payloads.camera_summaries)."""
    return obj({"camera": STR, "online": BOOL, "last_seen": nullable(TIME), "fps": nullable(NUM),
                "spool_depth": nullable(INT), "open_gaps": INT})
