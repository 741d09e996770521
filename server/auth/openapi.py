"""The session routes' entries in the OpenAPI document (the login form itself is HTML, not part of it)."""

from __future__ import annotations

from typing import Any

from server.api_doc.parts import (
    BOOL,
    INT,
    PUBLIC,
    SESSION_WRITE,
    STR,
    json_body,
    obj,
    ok,
    operation,
)

USER = obj({"username": STR, "role": {"type": "string", "enum": ["manager", "staff"]}, "name": STR})


def paths() -> dict[str, Any]:
    ended = ok(obj({"ok": BOOL, "ended": INT}))
    return {
        "/api/v1/session": {"get": operation(
            "Who is logged in, and the CSRF token every session write sends as X-CSRF-Token", PUBLIC,
            ok({"oneOf": [obj({"user": {"type": "null"}}, closed=True), obj({"user": USER, "csrf": STR}, closed=True)]}))},
        "/api/v1/session/logout-all": {"post": operation(
            "End every session of this user on every device, this one included (manager or staff)", SESSION_WRITE,
            ended)},
        "/api/v1/session/password": {"post": operation(
            "Change the password; every session of the user ends (manager or staff)", SESSION_WRITE, ended,
            body=json_body(obj({"current": STR, "new": {"type": "string", "minLength": 8}})))},
    }


