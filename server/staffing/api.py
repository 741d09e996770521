"""HTTP API of the staffing engine: suggestion, what-if, counters, and managers' decisions on suggestions."""

from __future__ import annotations

import math
import time
from typing import Any

from flask import Blueprint, current_app, jsonify, request

from server.auth import current_user, require_role
from server.errors import ApiError
from server.params import query_number
from server.services import Services
from server.staffing import dismissal
from server.staffing.advisor import AdvisorConfig, option
from server.staffing.erlang import metrics, min_servers

WHAT_IF_MAX_SERVERS = 100_000
CONFIRM_ABOVE = 3  # accepting a change of more counters than this at once asks the manager to confirm

def create_blueprint(svc: Services) -> Blueprint:
    bp = Blueprint("staffing", __name__, url_prefix="/api/v1")

    @bp.get("/staffing")
    @require_role("manager")  # staff see counters (GET /counters), not the engine's figures
    def get_staffing():  # type: ignore[no-untyped-def]
        cur = svc.staffing.current()
        body = {"suggestion": cur, "counters": svc.staffing.counters(), "leader": svc.staffing.leader()}
        if cur is None:
            body["detail"] = "no suggestion computed yet; the staffing engine runs every 15 s in one process"
        return jsonify(body)

    @bp.get("/staffing/what-if")
    @require_role("manager", "api", tokens=svc.api_tokens)
    def what_if():  # type: ignore[no-untyped-def]
        co = svc.mall.checkout
        lam_h = query_number("arrivals_per_hour", None, 0, 1e6)
        svc_s = query_number("service_seconds", co.service_seconds, 0, 3600, lo_open=True)
        wait_s = query_number("target_wait_seconds", co.target_wait_seconds, 0, 86400, lo_open=True)
        share = query_number("target_share", co.target_share, 0, 1, lo_open=True, hi_open=True)
        max_mean = query_number("max_mean_wait_seconds", co.max_mean_wait_seconds, 0, 86400, lo_open=True)
        lam, mu = lam_h / 3600.0, 1.0 / svc_s
        try:
            c = min_servers(lam, mu, wait_s, share, max_mean, max_servers=WHAT_IF_MAX_SERVERS)
        except ValueError as exc:
            raise ApiError(422, "unreachable", str(exc), "arrivals_per_hour") from None
        m = metrics(c, lam, mu, wait_s)
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
        limit = int(query_number("audit_limit", 50, 0, 1000))
        return jsonify({"counters": svc.staffing.counters(), "min_open": svc.staffing.cfg.min_open, "max_open": svc.staffing.cfg.max_open,
                        "audit": svc.staffing.audit(limit)})

    @bp.post("/counters/<counter_id>")
    @require_role("manager", "staff")
    def post_counter(counter_id: str):  # type: ignore[no-untyped-def]
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise ApiError(400, "invalid", "send a JSON object {state, reason}", "body")
        user = current_user() or {}
        return jsonify(svc.staffing.change_counter(counter_id, body.get("state"), str(user.get("username", "unknown")),
                                                   body.get("reason", "")))

    @bp.post("/staffing/accept")
    @require_role("manager")
    def staffing_accept():  # type: ignore[no-untyped-def]
        """Apply the current suggestion: open (or set closing) counters until `suggested_open` are open.

        Each counter change is audited with the manager's name and the suggestion's explanation as the reason;
        then the engine recomputes, which tells managers and kiosks.
        """
        body = _json_body()
        staffing = svc.staffing
        cur = staffing.current()
        if cur is None:
            raise ApiError(409, "no_suggestion", "no suggestion computed yet; retry in a few seconds", None)
        seen = body.get("time")
        if seen is not None and seen != cur.get("time") and body.get("suggested_open") != cur.get("suggested_open"):
            raise ApiError(409, "stale", "the suggestion changed since it was shown; review the new one", "time")
        user = current_user() or {}
        by = str(user.get("username", "unknown"))
        target = int(cur["suggested_open"])  # type: ignore[call-overload]
        counters = staffing.counters()
        open_ids = [c["id"] for c in counters if c["state"] == "open"]
        change = target - len(open_ids)
        confirmed = body.get("confirm") is True
        if abs(change) > CONFIRM_ABOVE and not confirmed:
            verb = "open" if change > 0 else "close"
            raise ApiError(409, "confirm_required", f"this would {verb} {abs(change)} counters at once (more than "
                           f"{CONFIRM_ABOVE}); send confirm: true to go ahead", "confirm")
        reason = _explain(cur)
        changed: list[dict[str, Any]] = []
        if target > len(open_ids):
            for c in [c for c in counters if c["state"] != "open"][: target - len(open_ids)]:
                changed.append(staffing.set_counter(str(c["id"]), "open", by, reason))
        elif target < len(open_ids):
            for cid in list(reversed(open_ids))[: len(open_ids) - target]:
                changed.append(staffing.set_counter(str(cid), "closing", by, reason))
        rec = {"action": "accept", "ts": time.time(), "by": by, "by_name": user.get("name"), "suggestion_time": cur.get("time"),
               "suggested_open": target, "open_before": len(open_ids), "changed": [c["id"] for c in changed], "reason": reason,
               "confirmed": confirmed}
        staffing.record_decision(rec)
        staffing.counters_changed()
        try:
            fresh = staffing.compute_once()
        except Exception:  # the counters are open; a failed recompute only delays the kiosks' summary
            current_app.logger.exception("staffing recompute after accept failed")
            fresh = None
        return jsonify({"decision": rec, "counters": staffing.counters(), "suggestion": fresh})

    @bp.post("/staffing/dismiss")
    @require_role("manager")
    def staffing_dismiss():  # type: ignore[no-untyped-def]
        body = _json_body()
        reason = body.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise ApiError(400, "missing", "reason is required: say why the suggestion is dismissed", "reason")
        if len(reason) > 200:
            raise ApiError(400, "invalid", "reason: at most 200 characters", "reason")
        cur = svc.staffing.current()
        if cur is None:
            raise ApiError(409, "no_suggestion", "no suggestion to dismiss", None)
        user = current_user() or {}
        rec = {"action": "dismiss", "ts": time.time(), "by": user.get("username"), "by_name": user.get("name"),
               "suggestion_time": cur.get("time"), "suggested_open": cur.get("suggested_open"),
               "open_before": cur.get("open_now"), "changed": [], "reason": reason.strip(),
               **dismissal.terms(cur, time.time())}
        svc.staffing.record_decision(rec)
        return jsonify({"decision": rec})

    @bp.get("/staffing/decisions")
    @require_role("manager")
    def staffing_decisions():  # type: ignore[no-untyped-def]
        return jsonify(svc.staffing.decisions(50))

    return bp


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if body is None and not request.get_data():
        return {}
    if not isinstance(body, dict):
        raise ApiError(400, "invalid", "send a JSON object", "body")
    return body


def _explain(s: dict[str, Any]) -> str:
    ex = s.get("explanation") or {}
    tgt = ex.get("target") or {}
    return (f"accepted suggestion of {s.get('time')}: {s.get('message')} "
            f"(λ={ex.get('lambda_plan_per_hour')}/h, μ={ex.get('mu_per_hour')}/h per counter, "
            f"target {round(100 * float(tgt.get('share', 0)))}% within {tgt.get('wait_seconds')} s)")[:200]
