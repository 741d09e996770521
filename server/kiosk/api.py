"""Kiosk data: content, public checkout summary, subsidy calculator, heartbeats, engagement.

GET  /api/v1/kiosk/content/<zone>       merged content of a zone + subsidy rules (public)
GET  /api/v1/kiosk/checkout             {open_counters, expected_wait_minutes, queue, source, updated} (public)
POST /api/v1/kiosk/subsidy              {items:[{category, energy_class, price}]} → amounts (public)
POST /api/v1/kiosk/heartbeat            {kiosk, zone, version} (public; sockets use `kiosk_heartbeat`)
GET  /api/v1/kiosk/status               kiosk registry: {kiosks: {id: {zone, online, last_seen}}} (manager, staff)
POST /api/v1/kiosk/engagement           {zone, sessions, session_ms, taps:{feature:n}} (public, counters only)
GET  /api/v1/kiosk/engagement?day=      per-zone report (manager)
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from datetime import datetime
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, request

from server.auth import require_role
from server.errors import ApiError
from server.extensions import socketio
from server.kiosk.analytics import Engagement, EngagementInputError
from server.kiosk.content import Content, content_dir, load_content
from server.kiosk.registry import KIOSK_ID, VERSION, KioskRegistry
from server.kiosk.subsidy import SubsidyInputError, calculate
from server.kiosk.watcher import ContentWatcher

bp = Blueprint("kiosk", __name__)
STAFFING_FRESH_SECONDS = 120
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def setup(app: Flask) -> None:
    """Load content (a bad file stops start-up with a message naming file and field) and register routes."""
    mall = app.extensions["mall"]
    root = content_dir()
    app.extensions["kiosk_content"] = load_content(mall, root)
    app.extensions["kiosk_registry"] = KioskRegistry(app.extensions["redis"], app.extensions["keys"])
    app.extensions["kiosk_engagement"] = Engagement(app.extensions["redis"], app.extensions["keys"], mall.mall.timezone)
    r, keys = app.extensions["redis"], app.extensions["keys"]

    def emit(zone: str, view: dict[str, Any]) -> None:
        tag = hashlib.sha1(json.dumps([zone, view["version"], view["subsidy"]], sort_keys=True).encode()).hexdigest()[:16]
        try:  # with several web processes, one emits each change
            if not r.set(keys.kiosk_content_emit(tag), "1", nx=True, ex=60):
                return
        except Exception:  # Redis down: emit anyway (duplicates are harmless, kiosks compare versions)
            pass
        socketio.emit("content", view, to=f"zone:{zone}")

    def reloaded(c: Content) -> None:
        app.extensions["kiosk_content"] = c

    interval = float(app.config.get("KIOSK_CONTENT_POLL_SECONDS", 1.0))
    app.extensions["kiosk_watcher"] = ContentWatcher(mall, root, app.extensions["kiosk_content"], emit, interval, reloaded)
    app.register_blueprint(bp)
    from server.assist.api import bp as assist_bp

    app.register_blueprint(assist_bp)


def start_background(app: Flask) -> None:
    app.extensions["kiosk_watcher"].start()


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "invalid", "send a JSON object", "body")
    return body


def _zone(value: Any) -> str:
    if not isinstance(value, str) or current_app.extensions["mall"].zone(value) is None:
        raise ApiError(400, "invalid", "zone must be the id of a zone of this mall", "zone")
    return value


@bp.get("/api/v1/kiosk/content/<zone_id>")
def content(zone_id: str):  # type: ignore[no-untyped-def]
    if current_app.extensions["mall"].zone(zone_id) is None:
        raise ApiError(404, "not_found", f"no zone {zone_id[:64]!r} in this mall", "zone")
    resp = jsonify(current_app.extensions["kiosk_content"].zone_view(zone_id))
    resp.headers["Cache-Control"] = "no-cache"
    return resp


def _fresh(updated: Any) -> bool:
    try:
        ts = float(updated) if isinstance(updated, int | float) else datetime.fromisoformat(str(updated)).timestamp()
    except (TypeError, ValueError):
        return False
    return time.time() - ts <= STAFFING_FRESH_SECONDS


def checkout_summary() -> dict[str, Any]:
    """The staffing engine's public summary when it is fresh; otherwise estimated from the checkout zone."""
    mall = current_app.extensions["mall"]
    co = mall.checkout
    queue = None
    if co.zone:
        queue = max(0, current_app.extensions["reader"].area_stats([co.zone])[co.zone]["occupancy"])
    staffing = current_app.extensions.get("staffing")
    open_now: int | None = None
    cur = None
    if staffing is not None:
        try:
            open_now = staffing.open_count()
            cur = staffing.current()
        except Exception:
            open_now, cur = None, None
    public = (cur or {}).get("public") if isinstance(cur, dict) else None
    if isinstance(public, dict) and _fresh(public.get("updated")):
        return {"open_counters": open_now if open_now is not None else public.get("open_counters"),
                "expected_wait_minutes": public.get("expected_wait_minutes"), "queue": queue,
                "source": "staffing", "updated": public.get("updated")}
    if open_now is None:
        open_now = max(co.min_open, 1)
    wait = None
    if queue is not None:
        wait = round(queue / max(open_now, 1) * co.service_seconds / 60.0, 1) if open_now else None
    return {"open_counters": open_now, "expected_wait_minutes": wait, "queue": queue, "source": "estimate",
            "updated": time.time()}


@bp.after_app_request
def _counters_changed(resp):  # type: ignore[no-untyped-def]
    """Counters opened or closed (or a staffing suggestion accepted): kiosks' checkout figures follow at once."""
    if (request.method == "POST" and 200 <= resp.status_code < 300
            and request.path.startswith(("/api/v1/counters/", "/api/v1/staffing"))):
        try:
            socketio.emit("checkout", checkout_summary(), to="crowd")
        except Exception:  # never fail the request that changed the counters
            current_app.logger.warning("kiosk: checkout summary not pushed", exc_info=True)
    return resp


@bp.get("/api/v1/kiosk/checkout")
def checkout():  # type: ignore[no-untyped-def]
    resp = jsonify(checkout_summary())
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.post("/api/v1/kiosk/subsidy")
def subsidy():  # type: ignore[no-untyped-def]
    body = _json_body()
    try:
        return jsonify(calculate(current_app.extensions["kiosk_content"].subsidy, body.get("items")))
    except SubsidyInputError as exc:
        raise ApiError(400, "invalid", exc.detail, exc.field) from None


def heartbeat_from(data: Any) -> dict[str, Any]:
    """Validate and store a heartbeat (HTTP or Socket.IO); raises ApiError naming the field."""
    if not isinstance(data, dict):
        raise ApiError(400, "invalid", "send {kiosk, zone, version}", "body")
    kiosk = data.get("kiosk")
    if not isinstance(kiosk, str) or not KIOSK_ID.match(kiosk):
        raise ApiError(400, "invalid", "kiosk must match ^[a-z0-9-]{1,64}$", "kiosk")
    zone = _zone(data.get("zone"))
    version = data.get("version", "")
    if not isinstance(version, str) or (version and not VERSION.match(version)):
        raise ApiError(400, "invalid", "version must match ^[A-Za-z0-9._-]{1,32}$", "version")
    return current_app.extensions["kiosk_registry"].beat(kiosk, zone, version)


@bp.post("/api/v1/kiosk/heartbeat")
def heartbeat():  # type: ignore[no-untyped-def]
    rec = heartbeat_from(_json_body())
    return jsonify({"ok": True, **rec})


@bp.get("/api/v1/kiosk/status")
@require_role("manager", "staff")
def status():  # type: ignore[no-untyped-def]
    raw = request.args.get("offline_after", "60")
    try:
        after = float(raw)
    except ValueError:
        raise ApiError(400, "invalid", f"offline_after must be a number of seconds, got {raw[:20]!r}", "offline_after") from None
    if not math.isfinite(after) or not 1 <= after <= 86400:
        raise ApiError(400, "out_of_range", "offline_after must be in [1, 86400]", "offline_after")
    return jsonify({"kiosks": current_app.extensions["kiosk_registry"].status(after), "offline_after": after})


@bp.post("/api/v1/kiosk/engagement")
def engagement_post():  # type: ignore[no-untyped-def]
    body = _json_body()
    zone = _zone(body.get("zone"))
    extra = set(body) - {"zone", "sessions", "session_ms", "taps"}
    if extra:
        raise ApiError(400, "invalid", "unexpected field (only counters are accepted): " + ", ".join(sorted(extra)), sorted(extra)[0])
    try:
        rec = current_app.extensions["kiosk_engagement"].record(zone, body)
    except EngagementInputError as exc:
        raise ApiError(400, "invalid", exc.detail, exc.field) from None
    return jsonify({"ok": True, **rec}), 202


@bp.get("/api/v1/kiosk/engagement")
@require_role("manager")
def engagement_get():  # type: ignore[no-untyped-def]
    eng: Engagement = current_app.extensions["kiosk_engagement"]
    day = request.args.get("day") or eng.day()
    if not DAY.match(day):
        raise ApiError(400, "invalid", "day must be YYYY-MM-DD", "day")
    return jsonify(eng.report(day))


