"""HTTP API of the staffing engine: suggestion, what-if, counters.

Contract with the app factory: ``current_app.extensions["mall"]`` (Mall),
``["redis"]`` (client), ``config["KEY_PREFIX"]``; ``extensions["staffing"]`` (a
StaffingService) is reused when present.  Auth: ``server.auth.require_role``.
"""

from __future__ import annotations

import math

from flask import Blueprint, current_app, jsonify, request

from server.auth import current_user, require_role
from server.errors import ApiError
from server.staffing.advisor import option
from server.staffing.erlang import metrics, min_servers
from server.staffing.service import CounterError, StaffingService

bp = Blueprint("staffing", __name__, url_prefix="/api/v1")

WHAT_IF_MAX_SERVERS = 100_000


def _service() -> StaffingService:
    svc = current_app.extensions.get("staffing")
    if isinstance(svc, StaffingService):
        return svc
    svc = StaffingService(current_app.extensions["redis"], current_app.config["KEY_PREFIX"], current_app.extensions["mall"])
    current_app.extensions["staffing"] = svc
    return svc


def _number(name: str, default: float | None, lo: float, hi: float, lo_open: bool = False, hi_open: bool = False) -> float:
    raw = request.args.get(name)
    if raw is None or raw == "":
        if default is None:
            raise ApiError(400, "missing", f"query parameter {name} is required", name)
        return float(default)
    try:
        v = float(raw)
    except ValueError:
        raise ApiError(400, "invalid", f"{name} must be a number, got {raw!r}", name) from None
    too_low = v <= lo if lo_open else v < lo
    too_high = v >= hi if hi_open else v > hi
    if not math.isfinite(v) or too_low or too_high:
        lb, hb = ("(" if lo_open else "["), (")" if hi_open else "]")
        raise ApiError(400, "out_of_range", f"{name} must be in {lb}{lo:g}, {hi:g}{hb}, got {raw}", name)
    return v


@bp.get("/staffing")
@require_role("manager", "staff")
def get_staffing():  # type: ignore[no-untyped-def]
    svc = _service()
    cur = svc.current()
    body = {"suggestion": cur, "counters": svc.counters(), "leader": svc.leader()}
    if cur is None:
        body["detail"] = "no suggestion computed yet; the staffing engine runs every 15 s in one process"
    return jsonify(body)


@bp.get("/staffing/what-if")
@require_role("manager", "api")
def what_if():  # type: ignore[no-untyped-def]
    co = current_app.extensions["mall"].checkout
    lam_h = _number("arrivals_per_hour", None, 0, 1e6)
    svc_s = _number("service_seconds", co.service_seconds, 0, 3600, lo_open=True)
    wait_s = _number("target_wait_seconds", co.target_wait_seconds, 0, 86400, lo_open=True)
    share = _number("target_share", co.target_share, 0, 1, lo_open=True, hi_open=True)
    max_mean = _number("max_mean_wait_seconds", co.max_mean_wait_seconds, 0, 86400, lo_open=True)
    lam, mu = lam_h / 3600.0, 1.0 / svc_s
    try:
        c = min_servers(lam, mu, wait_s, share, max_mean, max_servers=WHAT_IF_MAX_SERVERS)
    except ValueError as exc:
        raise ApiError(422, "unreachable", str(exc), "arrivals_per_hour") from None
    m = metrics(c, lam, mu, wait_s)
    from server.staffing.advisor import AdvisorConfig

    cfg = AdvisorConfig(service_seconds=svc_s, target_wait_seconds=wait_s, target_share=share,
                        max_mean_wait_seconds=max_mean, min_open=0, max_open=max(1, c + 1))
    return jsonify({
        "counters": c,
        "p_wait": round(m.p_wait, 4),
        "service_level": round(m.service_level, 4),
        "mean_wait_seconds": round(m.mean_wait, 2) if math.isfinite(m.mean_wait) else None,
        "offered_load_erlangs": round(m.offered_load, 3),
        "utilisation": round(m.utilisation, 3) if c else None,
        "counters_available": co.effective_max_open,
        "exceeds_available": c > co.effective_max_open,
        "inputs": {"arrivals_per_hour": lam_h, "service_seconds": svc_s, "target_wait_seconds": wait_s,
                   "target_share": share, "max_mean_wait_seconds": max_mean},
        "options": [option(cfg, k, lam_h) for k in (c - 1, c, c + 1) if k >= 0],
    })


@bp.get("/counters")
@require_role("manager", "staff")
def get_counters():  # type: ignore[no-untyped-def]
    svc = _service()
    limit = int(_number("audit_limit", 50, 0, 1000))
    return jsonify({"counters": svc.counters(), "min_open": svc.cfg.min_open, "max_open": svc.cfg.max_open,
                    "audit": svc.audit(limit)})


@bp.post("/counters/<counter_id>")
@require_role("manager", "staff")
def post_counter(counter_id: str):  # type: ignore[no-untyped-def]
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "invalid", "send a JSON object {state, reason}", "body")
    return jsonify(change_counter(counter_id, body, current_user() or {}))


def change_counter(counter_id: str, body: dict, user: dict) -> dict:
    """One counter change, from HTTP or Socket.IO: audit entry, then every staff screen and every kiosk follow."""
    state = body.get("state")
    if not isinstance(state, str):
        raise ApiError(400, "invalid", "state is required: open, closing or closed", "state")
    reason = body.get("reason", "")
    try:
        rec = _service().set_counter(counter_id, state, str(user.get("username", "unknown")), reason if reason is not None else "")
    except CounterError as exc:
        raise ApiError(exc.status, exc.error, exc.detail, exc.field) from None
    from server.extensions import socketio  # every manager and staff screen redraws its counters grid

    socketio.emit("counters", {"counters": _service().counters(), "audit": _service().audit(20)}, to="staff")
    return rec
