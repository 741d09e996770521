"""HTTP API of the content editor (manager only; writes need the CSRF header like every manager change).

GET    /api/v1/manager/content/<zone>                     overrides in the file, base, schedules, history, kiosk view,
                                                          catalog (the category's products to pick featured from)
POST   /api/v1/manager/content/<zone>/preview             {overrides} → the merged view kiosks would show (no write)
PUT    /api/v1/manager/content/<zone>                     {overrides, note} → publish now (validated)
POST   /api/v1/manager/content/<zone>/revert/<history id> publish again what a history entry recorded
POST   /api/v1/manager/content/<zone>/schedules           {overrides, starts, ends?, days?, daily_from?, daily_to?, note?}
DELETE /api/v1/manager/content/<zone>/schedules/<id>
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from server.auth import current_user, require_role
from server.errors import ApiError
from server.manager.content_edit import note_text
from server.services import Services


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "invalid", "send a JSON object", "body")
    return body


def _by() -> str:
    user = current_user() or {}
    return str(user.get("name") or user.get("username") or "manager")


def add_routes(bp: Blueprint, svc: Services) -> None:
    """The editor's routes on the manager blueprint (its scheduler runs as a tick hook, wired by the app factory)."""
    editor = svc.content_editor

    @bp.get("/api/v1/manager/content/<zone>")
    @require_role("manager")
    def content_state(zone: str):  # type: ignore[no-untyped-def]
        return jsonify(editor.state(zone))

    @bp.post("/api/v1/manager/content/<zone>/preview")
    @require_role("manager")
    def content_preview(zone: str):  # type: ignore[no-untyped-def]
        return jsonify(editor.preview(zone, _body().get("overrides")))

    @bp.put("/api/v1/manager/content/<zone>")
    @require_role("manager")
    def content_publish(zone: str):  # type: ignore[no-untyped-def]
        body = _body()
        entry = editor.publish(zone, body.get("overrides"), _by(), note_text(body.get("note")))
        return jsonify({**editor.state(zone), "entry": entry})

    @bp.post("/api/v1/manager/content/<zone>/revert/<history_id>")
    @require_role("manager")
    def content_revert(zone: str, history_id: str):  # type: ignore[no-untyped-def]
        entry = editor.revert(zone, history_id, _by())
        return jsonify({**editor.state(zone), "entry": entry})

    @bp.post("/api/v1/manager/content/<zone>/schedules")
    @require_role("manager")
    def content_schedule(zone: str):  # type: ignore[no-untyped-def]
        return jsonify(editor.add_schedule(zone, _body(), _by())), 201

    @bp.delete("/api/v1/manager/content/<zone>/schedules/<sid>")
    @require_role("manager")
    def content_unschedule(zone: str, sid: str):  # type: ignore[no-untyped-def]
        editor.delete_schedule(zone, sid, _by())
        return jsonify(editor.state(zone))
