"""The assistance requests' entries in the OpenAPI document."""

from __future__ import annotations

from typing import Any

from core.mall.schema import Mall
from server.api_doc.parts import (
    KIOSK,
    NUM,
    PUBLIC,
    SESSION,
    SESSION_WRITE,
    STR,
    TIME,
    array,
    errors,
    json_body,
    nullable,
    obj,
    ok,
    operation,
    path_param,
    query,
)
from server.assist.store import REASONS, STATES

REQUEST = obj({"id": STR, "zone": STR, "kiosk": STR, "reason": {"type": "string", "enum": list(REASONS)},
               "state": {"type": "string", "enum": list(STATES)}, "created": TIME, "updated": TIME,
               "by_name": nullable(STR), "acknowledged_at": nullable(TIME), "resolved_at": nullable(TIME)})


def paths(mall: Mall, enrolment: bool) -> dict[str, Any]:
    move = {**ok(REQUEST), **errors(409)}
    rid = [path_param("rid", {"type": "string", "minLength": 1}, "The request id (a1, a2, ...)")]
    return {
        "/api/v1/assist": {
            "post": operation(
                "A kiosk calls staff; 429 with Retry-After while its request is open, past its hourly limit or the "
                "mall's per-minute limit", KIOSK if enrolment else PUBLIC,
                {**ok(REQUEST, 201), **errors(401, 403, 429)},
                body=json_body(obj({"zone": {"type": "string", "enum": [z.id for z in mall.zones], "example": "fridges"},
                                    "kiosk": {"type": "string", "pattern": r"^[a-z0-9-]{1,64}$", "example": "k-fridges-1"},
                                    "reason": {"type": "string", "enum": list(REASONS)}}))),
            "get": operation(
                "Open (or all recent) requests with how long each has waited (manager or staff)", SESSION,
                {**ok(obj({"requests": array({**REQUEST, "required": [*REQUEST["required"], "elapsed_seconds",
                                                                      "ack_seconds"]}),
                           "now": TIME, "escalate_after_seconds": NUM})), **errors(400)},
                [query("state", {"type": "string", "enum": ["open", "all"], "default": "open"})]),
        },
        "/api/v1/assist/{rid}/ack": {"post": operation(
            "Acknowledge a sent request (manager or staff); 409 when it is past that", SESSION_WRITE, move, rid)},
        "/api/v1/assist/{rid}/resolve": {"post": operation(
            "Resolve a request (manager or staff); 409 when already resolved", SESSION_WRITE, move, rid)},
    }
