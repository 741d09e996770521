"""Socket.IO handlers: public zone/crowd rooms for kiosks, the managers room behind login."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_socketio import SocketIO, join_room

from server.assist.api import store as assist_store
from server.auth.guard import current_user
from server.errors import ApiError
from server.kiosk.api import checkout_summary, heartbeat_from
from server.kiosk.registry import KIOSK_ID
from server.live.payloads import manager_zone, public_zone
from server.live.publisher import camera_summaries
from server.staffing.api import change_counter


def register_socket_events(socketio: SocketIO) -> None:
    @socketio.on("connect")
    def _connect(auth: Any = None) -> None:
        current_app.extensions["metrics"].sockets.inc()

    @socketio.on("disconnect")
    def _disconnect(*_: Any) -> None:
        current_app.extensions["metrics"].sockets.dec()

    @socketio.on("subscribe")
    def _subscribe(data: Any = None) -> dict[str, Any]:
        """A kiosk joins its zone's room and the crowd room; it gets a snapshot so a reconnect resyncs."""
        mall = current_app.extensions["mall"]
        zone = data.get("zone") if isinstance(data, dict) else None
        if zone is not None and (not isinstance(zone, str) or mall.zone(zone) is None):
            return {"ok": False, "error": "unknown_zone", "field": "zone"}
        reader = current_app.extensions["reader"]
        stats = reader.area_stats([z.id for z in mall.zones])
        kiosk = data.get("kiosk") if isinstance(data, dict) else None
        if kiosk is not None and (not isinstance(kiosk, str) or not KIOSK_ID.match(kiosk)):
            return {"ok": False, "error": "invalid", "field": "kiosk"}
        join_room("crowd")
        snapshot = {"zones": [public_zone(mall, a, s) for a, s in stats.items()]}
        if zone:
            join_room(f"zone:{zone}")
            socketio.emit("zone", public_zone(mall, zone, stats[zone]), to=request.sid)  # type: ignore[attr-defined]
        socketio.emit("crowd", snapshot, to=request.sid)  # type: ignore[attr-defined]
        if kiosk:  # the kiosk's own room: its assistance requests; resync the latest one on every (re)connect
            join_room(f"kiosk:{kiosk}")
            latest = assist_store().latest_for_kiosk(kiosk)
            if latest is not None:
                socketio.emit("assist", latest, to=request.sid)  # type: ignore[attr-defined]
        return {"ok": True}

    @socketio.on("kiosk_heartbeat")
    def _kiosk_heartbeat(data: Any = None) -> dict[str, Any]:
        try:
            rec = heartbeat_from(data)
        except ApiError as exc:
            return {"ok": False, "error": exc.error, "field": exc.field}
        return {"ok": True, "ts": rec["ts"]}

    @socketio.on("set_counter")
    def _set_counter(data: Any = None) -> dict[str, Any]:
        """Staff and managers open or close a counter from the socket too (same rules and audit as HTTP)."""
        user = current_user()
        if user is None or user["role"] not in ("manager", "staff"):
            return {"ok": False, "error": "login_required"}
        if not isinstance(data, dict) or not isinstance(data.get("counter"), str):
            return {"ok": False, "error": "invalid", "field": "counter"}
        try:
            rec = change_counter(data["counter"], data, user)
        except ApiError as exc:
            return {"ok": False, "error": exc.error, "detail": exc.detail, "field": exc.field}
        socketio.emit("checkout", checkout_summary(), to="crowd")
        return {"ok": True, "counter": rec}

    @socketio.on("subscribe_managers")
    def _subscribe_managers(*_: Any) -> dict[str, Any]:
        user = current_user()
        if user is None or user["role"] not in ("manager", "staff"):
            return {"ok": False, "error": "login_required"}
        mall = current_app.extensions["mall"]
        reader = current_app.extensions["reader"]
        settings = current_app.extensions["settings"]
        join_room("staff")  # assistance requests and counters reach managers and staff
        if user["role"] == "manager":
            join_room("managers")
            stats = reader.area_stats(mall.area_ids)
            socketio.emit("zones", {"zones": [manager_zone(mall, a, s) for a, s in stats.items()]}, to=request.sid)  # type: ignore[attr-defined]
            status = reader.cameras([c.id for c in mall.cameras], settings.camera_offline_seconds)
            socketio.emit("cameras", {"cameras": camera_summaries(status)}, to=request.sid)  # type: ignore[attr-defined]
        return {"ok": True, "role": user["role"]}
