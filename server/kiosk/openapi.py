"""The kiosk routes' entries in the OpenAPI document: content, checkout summary, subsidy, heartbeats, engagement,
and enrolment. With KIOSK_ENROLMENT=1, heartbeats and engagement need an enrolled kiosk's X-Kiosk-Token."""

from __future__ import annotations

from typing import Any

from core.mall.schema import Mall
from server.api_doc.parts import (
    BOOL,
    DATE,
    INT,
    KIOSK,
    NUM,
    OBJ,
    PUBLIC,
    SESSION,
    SESSION_WRITE,
    STR,
    TIME,
    array,
    errors,
    json_body,
    map_of,
    nullable,
    obj,
    ok,
    operation,
    path_param,
    query,
)
from server.kiosk.analytics import FEATURES
from server.kiosk.registry import KIOSK_ID

KIOSK_ID_SCHEMA = {"type": "string", "pattern": KIOSK_ID.pattern, "example": "k-fridges-1"}
KIOSK_STATUS = obj({"zone": nullable(STR), "online": BOOL, "last_seen": nullable(TIME)}, {"version": nullable(STR)})
SUBSIDY_ITEM = obj({"category": STR, "energy_class": {"type": "integer", "minimum": 1, "maximum": 5},
                    "price": {"type": "number", "exclusiveMinimum": 0, "maximum": 10_000_000}})


def paths(mall: Mall, enrolment: bool) -> dict[str, Any]:
    zones = [z.id for z in mall.zones]
    zone = {"type": "string", "enum": zones, "example": "fridges"}
    device = KIOSK if enrolment else PUBLIC  # what a kiosk device must send
    zone_view = obj({"zone": STR, "category": STR, "version": STR, "products": array(OBJ), "promotions": array(OBJ),
                     "subsidy": OBJ, "title": OBJ, "tagline": OBJ})
    return {
        "/api/v1/kiosk/content/{zone_id}": {"get": operation(
            "A zone's merged kiosk content and the subsidy rules", PUBLIC, ok(zone_view),
            [path_param("zone_id", {"type": "string", "enum": zones})])},
        "/api/v1/kiosk/checkout": {"get": operation(
            "Open counters and the expected checkout wait (the manager panel's very figure)", PUBLIC,
            ok(obj({"open_counters": INT, "open_ids": array(STR), "expected_wait_minutes": nullable(NUM),
                    "wait_label": STR, "wait_basis": STR, "queue": nullable(NUM), "source": STR,
                    "updated": TIME},
                   {"wait_label_zh": STR})))},
        "/api/v1/kiosk/subsidy": {"post": operation(
            "Trade-in subsidy of 1 to 20 items (price x the energy class's rate, capped per item)", PUBLIC,
            ok(obj({"currency": STR, "items": array(obj({"category": STR, "energy_class": INT, "price": NUM, "rate": NUM,
                                                          "cap": NUM, "capped": BOOL, "eligible": BOOL, "subsidy": NUM,
                                                          "pay": NUM})),
                    "total_subsidy": NUM, "total_pay": NUM})),
            body=json_body(obj({"items": array(SUBSIDY_ITEM, minItems=1, maxItems=20)})))},
        "/api/v1/kiosk/heartbeat": {"post": operation(
            "A kiosk says it is alive (an enrolled kiosk, for its own id and zone, when enrolment is required)", device,
            {**ok(obj({"ok": BOOL, "zone": STR, "ts": TIME, "version": STR})), **errors(401, 403)},
            body=json_body(obj({"kiosk": KIOSK_ID_SCHEMA, "zone": zone},
                               {"version": {"type": "string", "pattern": r"^[A-Za-z0-9._-]{0,32}$"}})))},
        "/api/v1/kiosk/status": {"get": operation(
            "Kiosks heard from in the last day and whether they are online (manager or staff)", SESSION,
            {**ok(obj({"kiosks": map_of(KIOSK_STATUS), "offline_after": NUM})), **errors(400)},
            [query("offline_after", {"type": "number", "minimum": 1, "maximum": 86400, "default": 60},
                   "Seconds of silence after which a kiosk is offline")])},
        "/api/v1/kiosk/engagement": {
            "post": operation(
                "Engagement counters of a zone's kiosk (sessions, their length, taps per feature; nothing personal)",
                device, {**ok(obj({"ok": BOOL, "sessions": INT, "session_ms": INT, "taps": INT}), 202),
                         **errors(401, 403)},
                body=json_body(obj({"zone": zone}, {
                    "sessions": {"type": "integer", "minimum": 0, "maximum": 1000},
                    "session_ms": {"type": "integer", "minimum": 0},
                    "taps": {"type": "object", "propertyNames": {"enum": list(FEATURES)},
                             "additionalProperties": {"type": "integer", "minimum": 0, "maximum": 10_000}},
                }, closed=True))),
            "get": operation(
                "Engagement per zone for one local day (manager)", SESSION,
                {**ok(obj({"day": DATE, "zones": map_of(obj({"sessions": INT, "avg_session_seconds": nullable(NUM),
                                                              "taps": map_of(INT)}))})), **errors(400)},
                [query("day", DATE, "YYYY-MM-DD (mall time); default today")]),
        },
        "/api/v1/kiosks": {
            "get": operation(
                "Enrolled kiosks with their status, and whether enrolment is required (manager)", SESSION,
                ok(obj({"kiosks": map_of(obj({"zone": STR, "enrolled_at": TIME, "by": nullable(STR), "online": BOOL,
                                              "last_seen": nullable(TIME)})), "required": BOOL}))),
            "post": operation(
                "Enrol (or re-enrol) a kiosk for a zone; the secret is shown only in this reply (manager)",
                SESSION_WRITE, {**ok(obj({"kiosk": STR, "zone": STR, "secret": STR, "link": STR}), 201), **errors(422)},
                body=json_body(obj({"kiosk": {**KIOSK_ID_SCHEMA, "example": "k-fridges-2"}, "zone": zone}))),
        },
        "/api/v1/kiosks/{kiosk}/retire": {"post": operation(
            "Retire an enrolled kiosk: its secret stops working and it leaves the status (manager)", SESSION_WRITE,
            ok(obj({"kiosk": STR, "retired": BOOL})), [path_param("kiosk", KIOSK_ID_SCHEMA)])},
    }
