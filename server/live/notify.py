"""Every Socket.IO event the server sends: its name, its room and its payload shape, in one module.

Features call a method here instead of `socketio.emit`, so a page author reads one file to learn what arrives
where. With the Redis message queue an emit from any web process reaches the clients of all of them.

Rooms: `zone:<id>` (that zone's kiosks), `crowd` (every kiosk), `kiosk:<id>` (one kiosk's own requests),
`staff` (managers and staff: assistance, counters), `managers` (managers only).
"""

from __future__ import annotations

from typing import Any, Protocol

CROWD = "crowd"
STAFF = "staff"
MANAGERS = "managers"


def zone_room(zone: str) -> str:
    return f"zone:{zone}"


def kiosk_room(kiosk: str) -> str:
    return f"kiosk:{kiosk}"


class Emitter(Protocol):
    """Flask-SocketIO's `SocketIO` in a web process; `server.redis_client.QueueEmitter` in the camera-only one."""

    def emit(self, event: str, data: Any, to: str | None = None, ignore_queue: bool = False) -> Any: ...


class Notifier:
    def __init__(self, socketio: Emitter) -> None:
        self.socketio = socketio

    def _emit(self, event: str, payload: dict[str, Any], to: str, own: bool = False) -> None:
        """`own`: `to` is a socket of this process (a handler's snapshot for its own socket), so the emit skips the
        Redis message queue: no other process has that socket, and 200 kiosks subscribing at once made thousands
        of snapshots every process had to read back off Redis."""
        self.socketio.emit(event, payload, to=to, ignore_queue=own)

    # kiosks
    def zone(self, payload: dict[str, Any], to: str | None = None) -> None:
        """`zone`: one zone's public figures {zone, occupancy, capacity, pct, level}."""
        self._emit("zone", payload, to or zone_room(str(payload["zone"])), own=to is not None)

    def crowd(self, zones: list[dict[str, Any]], to: str | None = None) -> None:
        """`crowd`: {zones: [public zone, ...]} for wayfinding and crowd levels."""
        self._emit("crowd", {"zones": zones}, to or CROWD, own=to is not None)

    def checkout(self, summary: dict[str, Any], to: str | None = None) -> None:
        """`checkout`: {open_counters, expected_wait_minutes, wait_text, queue, source, updated}."""
        self._emit("checkout", summary, to or CROWD, own=to is not None)

    def content(self, zone: str, view: dict[str, Any]) -> None:
        """`content`: a zone's merged kiosk content after an edit."""
        self._emit("content", view, zone_room(zone))

    def assist(self, req: dict[str, Any], to: str | None = None) -> None:
        """`assist`: one assistance request, to staff and to the kiosk that asked (or one socket on resync)."""
        if to is not None:
            self._emit("assist", req, to, own=True)
            return
        self._emit("assist", req, STAFF)
        self._emit("assist", req, kiosk_room(str(req["kiosk"])))

    def assist_new(self, req: dict[str, Any]) -> None:
        """`assist_new`: a new request was sent, so staff screens ping (sound and highlight) once per request."""
        self._emit("assist_new", req, STAFF)

    # staff and managers
    def counters(self, counters: list[dict[str, Any]], audit: list[dict[str, Any]]) -> None:
        """`counters`: every counter's state and the latest audit entries."""
        self._emit("counters", {"counters": counters, "audit": audit}, STAFF)

    def zones(self, zones: list[dict[str, Any]], to: str | None = None) -> None:
        """`zones`: {zones: [manager zone, ...]} with 15-minute and daily figures."""
        self._emit("zones", {"zones": zones}, to or MANAGERS, own=to is not None)

    def cameras(self, cameras: list[dict[str, Any]], to: str | None = None) -> None:
        """`cameras`: {cameras: [{camera, online, last_seen, fps, spool_depth, open_gaps}]}."""
        self._emit("cameras", {"cameras": cameras}, to or MANAGERS, own=to is not None)

    def staffing(self, suggestion: dict[str, Any]) -> None:
        """`staffing`: the current suggestion with its explanation."""
        self._emit("staffing", suggestion, MANAGERS)

    def staffing_decision(self, rec: dict[str, Any]) -> None:
        """`staffing_decision`: an accepted or dismissed suggestion (the audit record)."""
        self._emit("staffing_decision", rec, MANAGERS)

    def alert(self, alert: dict[str, Any]) -> None:
        """`alert`: an alert raised, acknowledged or cleared."""
        self._emit("alert", alert, MANAGERS)
