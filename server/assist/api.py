"""HTTP API of assistance requests and the `assist` Socket.IO event.

POST /api/v1/assist                 public (kiosks): {zone, kiosk, reason} → 201 request; 429 + Retry-After
GET  /api/v1/assist?state=open|all  manager or staff
POST /api/v1/assist/<id>/ack        manager or staff (CSRF header); by_name = the user's display name
POST /api/v1/assist/<id>/resolve    manager or staff (CSRF header)
Every change is emitted as `assist` (the full request) to room `staff` and to room `kiosk:<kiosk>`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request

from server.assist.store import REASONS, AssistError, AssistStore
from server.auth import current_user, require_role
from server.errors import ApiError
from server.extensions import socketio

bp = Blueprint("assist", __name__, url_prefix="/api/v1/assist")


def store() -> AssistStore:
    s = current_app.extensions.get("assist")
    if s is None:
        s = AssistStore(current_app.extensions["redis"], current_app.extensions["keys"],
                        current_app.config.get("ASSIST_MIN_GAP_SECONDS", 30))
        current_app.extensions["assist"] = s
    return s


def publish(req: dict[str, Any]) -> None:
    socketio.emit("assist", req, to="staff")
    socketio.emit("assist", req, to=f"kiosk:{req['kiosk']}")


def _api(exc: AssistError):  # type: ignore[no-untyped-def]
    resp = jsonify({"error": exc.error, "detail": exc.detail, "field": exc.field})
    resp.status_code = exc.status
    if exc.retry_after is not None:
        resp.headers["Retry-After"] = str(exc.retry_after)
    return resp


@bp.post("")
def create():  # type: ignore[no-untyped-def]
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "invalid", "send a JSON object {zone, kiosk, reason}", "body")
    zone, kiosk, reason = body.get("zone"), body.get("kiosk"), body.get("reason")
    if not isinstance(zone, str) or current_app.extensions["mall"].zone(zone) is None:
        raise ApiError(400, "invalid", "zone must be the id of a zone of this mall", "zone")
    if not isinstance(kiosk, str):
        raise ApiError(400, "invalid", "kiosk is required: ^[a-z0-9-]{1,64}$", "kiosk")
    if not isinstance(reason, str) or reason not in REASONS:
        raise ApiError(400, "invalid", "reason must be one of " + ", ".join(REASONS), "reason")
    try:
        req = store().create(zone, kiosk, reason)
    except AssistError as exc:
        return _api(exc)
    publish(req)
    return jsonify(req), 201


@bp.get("")
@require_role("manager", "staff")
def list_requests():  # type: ignore[no-untyped-def]
    state = request.args.get("state", "open")
    if state not in ("open", "all"):
        raise ApiError(400, "invalid", "state must be open or all", "state")
    return jsonify({"requests": store().list(state)})


def _move(rid: str, state: str):  # type: ignore[no-untyped-def]
    if len(rid) > 32:
        raise ApiError(404, "not_found", "no such assistance request", "id")
    user = current_user() or {}
    try:
        req = store().transition(rid, state, str(user.get("name") or user.get("username") or "staff"))
    except AssistError as exc:
        return _api(exc)
    publish(req)
    return jsonify(req)


@bp.post("/<rid>/ack")
@require_role("manager", "staff")
def ack(rid: str):  # type: ignore[no-untyped-def]
    return _move(rid, "acknowledged")


@bp.post("/<rid>/resolve")
@require_role("manager", "staff")
def resolve(rid: str):  # type: ignore[no-untyped-def]
    return _move(rid, "resolved")
