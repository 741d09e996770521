"""Socket.IO handlers: public zone/crowd rooms for kiosks, the staff and managers rooms behind login."""

from __future__ import annotations

from typing import Any

from flask import request, session
from flask_socketio import SocketIO, join_room

from server.auth.guard import current_user
from server.auth.sessions import Sessions
from server.errors import ApiError
from server.kiosk.enrol import KioskEnrolment, digest
from server.kiosk.registry import KIOSK_ID
from server.live.notify import CROWD, MANAGERS, STAFF, kiosk_room, zone_room
from server.live.payloads import camera_summaries, manager_zone, public_zone
from server.services import Services


def register_socket_events(socketio: SocketIO, svc: Services) -> None:
    mall, reader, notify = svc.mall, svc.reader, svc.notify
    enrolment = KioskEnrolment(svc.redis, svc.keys, mall) if svc.settings.kiosk_enrolment else None
    sessions = Sessions(svc.redis, svc.keys)

    def _live_user() -> dict[str, Any] | None:
        """The socket's user, if its login session is still live now (it may have ended since the connect)."""
        user = current_user()
        if user is None or not sessions.active(session.get("sid"), str(user.get("username", ""))):
            return None
        return user

    def _own_kiosk(kiosk: str) -> bool:
        """With enrolment on, a socket speaks for a kiosk only if it connected with that kiosk's secret and the
        secret is still enrolled now (a retired kiosk's open socket is cut off at its next heartbeat)."""
        if enrolment is None:
            return True
        who = enrolment.kiosk_for_digest(session.get("kiosk_digest"))
        return who is not None and who.kiosk == kiosk

    @socketio.on("connect")
    def _connect(auth: Any = None) -> None:
        svc.metrics.sockets.inc()
        if enrolment is not None:
            secret = auth.get("kiosk_token") if isinstance(auth, dict) else None
            session["kiosk_digest"] = digest(secret) if enrolment.kiosk_for(secret) else None

    @socketio.on("disconnect")
    def _disconnect(*_: Any) -> None:
        svc.metrics.sockets.dec()

    @socketio.on("subscribe")
    def _subscribe(data: Any = None) -> dict[str, Any]:
        """A kiosk joins its zone's room and the crowd room; it gets a snapshot so a reconnect resyncs."""
        zone = data.get("zone") if isinstance(data, dict) else None
        if zone is not None and (not isinstance(zone, str) or mall.zone(zone) is None):
            return {"ok": False, "error": "unknown_zone", "field": "zone"}
        kiosk = data.get("kiosk") if isinstance(data, dict) else None
        if kiosk is not None and (not isinstance(kiosk, str) or not KIOSK_ID.match(kiosk)):
            return {"ok": False, "error": "invalid", "field": "kiosk"}
        if kiosk is not None and not _own_kiosk(kiosk):  # a kiosk's room carries its requests and staff names
            return {"ok": False, "error": "kiosk_not_enrolled", "field": "kiosk"}
        # public figures need occupancy only: one HMGET, not 15 minutes of buckets for every zone (with 200
        # kiosks subscribing at once, that read starved the publisher and the crowd room went quiet for seconds)
        occ = reader.occupancy([z.id for z in mall.zones])
        sid = request.sid  # type: ignore[attr-defined]
        join_room(CROWD)
        if zone:
            join_room(zone_room(zone))
            notify.zone(public_zone(mall, zone, {"occupancy": occ[zone]}), to=sid)
        notify.crowd([public_zone(mall, a, {"occupancy": n}) for a, n in occ.items()], to=sid)
        if kiosk:  # the kiosk's own room: its assistance requests; resync the latest one on every (re)connect
            join_room(kiosk_room(kiosk))
            latest = svc.assist.latest_for_kiosk(kiosk)
            if latest is not None:
                notify.assist(latest, to=sid)
        return {"ok": True}

    @socketio.on("kiosk_heartbeat")
    def _kiosk_heartbeat(data: Any = None) -> dict[str, Any]:
        try:
            kiosk, zone, version = svc.kiosks.parse(data)
        except ApiError as exc:
            return {"ok": False, "error": exc.error, "field": exc.field}
        if not _own_kiosk(kiosk):
            return {"ok": False, "error": "kiosk_not_enrolled", "field": "kiosk"}
        rec = svc.kiosks.beat(kiosk, zone, version)
        return {"ok": True, "ts": rec["ts"]}

    @socketio.on("set_counter")
    def _set_counter(data: Any = None) -> dict[str, Any]:
        """Staff and managers open or close a counter from the socket too (same rules and audit as HTTP)."""
        user = _live_user()
        if user is None or user["role"] not in ("manager", "staff"):
            return {"ok": False, "error": "login_required"}
        if not isinstance(data, dict) or not isinstance(data.get("counter"), str):
            return {"ok": False, "error": "invalid", "field": "counter"}
        try:
            rec = svc.staffing.change_counter(data["counter"], data.get("state"), str(user.get("username", "unknown")),
                                              data.get("reason", ""))
        except ApiError as exc:
            return {"ok": False, "error": exc.error, "detail": exc.detail, "field": exc.field}
        return {"ok": True, "counter": rec}

    @socketio.on("subscribe_managers")
    def _subscribe_managers(*_: Any) -> dict[str, Any]:
        user = _live_user()
        if user is None or user["role"] not in ("manager", "staff"):
            return {"ok": False, "error": "login_required"}
        join_room(STAFF)  # assistance requests and counters reach managers and staff
        if user["role"] == "manager":
            join_room(MANAGERS)
            sid = request.sid  # type: ignore[attr-defined]
            stats = reader.area_stats(mall.area_ids)
            notify.zones([manager_zone(mall, a, s) for a, s in stats.items()], to=sid)
            status = reader.cameras([c.id for c in mall.cameras], svc.settings.camera_offline_seconds)
            notify.cameras(camera_summaries(status), to=sid)
        return {"ok": True, "role": user["role"]}
