"""The staffing engine's entries in the OpenAPI document: suggestion, what-if, counters and decisions."""

from __future__ import annotations

from typing import Any

from core.mall.schema import Mall
from server.api_doc.parts import (
    ANY,
    API,
    BOOL,
    INT,
    NUM,
    OBJ,
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
from server.staffing.service import COUNTER_STATES

COUNTER = obj({"id": STR, "state": {"type": "string", "enum": list(COUNTER_STATES)}},
              {"since": nullable(TIME), "by": nullable(STR), "reason": nullable(STR)})
DECISION = obj({"action": {"type": "string", "enum": ["accept", "dismiss", "lapse"]}, "ts": TIME, "by": nullable(STR),
                "suggestion_time": ANY, "suggested_open": ANY, "changed": array(STR), "reason": STR})


def _positive(hi: float, default: float | None = None, closed_top: bool = True) -> dict[str, Any]:
    top = {"maximum": hi} if closed_top else {"exclusiveMaximum": hi}
    return {"type": "number", "exclusiveMinimum": 0, **top, **({"default": default} if default is not None else {})}


def paths(mall: Mall) -> dict[str, Any]:
    co = mall.checkout
    counter = path_param("counter_id", {"type": "string", "enum": [c.id for c in co.counters]}, "A checkout counter")
    what_if = [
        query("arrivals_per_hour", {"type": "number", "minimum": 0, "maximum": 1e6}, "Shoppers arriving per hour",
              required=True),
        query("service_seconds", _positive(3600, co.service_seconds), "Mean payment time per shopper"),
        query("target_wait_seconds", _positive(86400, co.target_wait_seconds)),
        query("target_share", _positive(1, co.target_share, closed_top=False), "Share that must wait at most the target"),
        query("max_mean_wait_seconds", _positive(86400, co.max_mean_wait_seconds)),
    ]
    option = obj({"counters": INT, "meets_target": BOOL})
    return {
        "/api/v1/staffing": {"get": operation(
            "The engine's current suggestion (null until computed), the counters and the engine's leader (manager)",
            SESSION, ok(obj({"suggestion": nullable(OBJ), "counters": array(COUNTER), "leader": nullable(STR)},
                            {"detail": STR})))},
        "/api/v1/staffing/what-if": {"get": operation(
            "Counters needed for a given demand and targets (Erlang C), with the options either side (manager or API "
            "token)", [*SESSION, *API],
            {**ok(obj({"counters": INT, "p_wait": NUM, "service_level": NUM, "mean_wait_seconds": nullable(NUM),
                       "offered_load_erlangs": NUM, "utilisation": nullable(NUM), "counters_available": INT,
                       "exceeds_available": BOOL, "inputs": OBJ, "options": array(option)})),
             **errors(400, 422)}, what_if)},
        "/api/v1/counters": {"get": operation(
            "Counter states, the open limits and the audit of changes (manager or staff)", SESSION,
            {**ok(obj({"counters": array(COUNTER), "min_open": INT, "max_open": INT, "audit": array(OBJ)})),
             **errors(400)},
            [query("audit_limit", {"type": "integer", "minimum": 0, "maximum": 1000, "default": 50})])},
        "/api/v1/counters/{counter_id}": {"post": operation(
            "Open, set closing or close one counter (manager or staff); 409 past the open limits", SESSION_WRITE,
            {**ok(obj({"id": STR, "state": STR, "previous": STR, "since": TIME, "by": STR, "reason": STR})),
             **errors(409)}, [counter],
            json_body(obj({"state": {"type": "string", "enum": list(COUNTER_STATES)}},
                          {"reason": {"type": "string", "maxLength": 200}})))},
        "/api/v1/staffing/accept": {"post": operation(
            "Apply the current suggestion (manager); 409 when there is none, it changed since shown (time), or it "
            "changes more than 3 counters without confirm: true", SESSION_WRITE,
            {**ok(obj({"decision": DECISION, "counters": array(COUNTER), "suggestion": nullable(OBJ)})),
             **errors(409)},
            body=json_body(obj({}, {"time": ANY, "suggested_open": ANY, "confirm": BOOL}), required=False))},
        "/api/v1/staffing/dismiss": {"post": operation(
            "Dismiss the current suggestion with a reason (manager); 409 when there is none", SESSION_WRITE,
            {**ok(obj({"decision": DECISION})), **errors(409)},
            body=json_body(obj({"reason": {"type": "string", "minLength": 1, "maxLength": 200}})))},
        "/api/v1/staffing/decisions": {"get": operation(
            "The latest accept/dismiss decisions and the dismissal in force (manager)", SESSION,
            ok(obj({"decisions": array(DECISION), "dismissed": nullable(OBJ)})))},
    }
