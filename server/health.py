"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify
from prometheus_client import generate_latest
from redis.exceptions import RedisError

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    return jsonify({"ok": True})


@bp.get("/readyz")
def readyz():  # type: ignore[no-untyped-def]
    try:
        current_app.extensions["redis"].ping()
    except RedisError as exc:
        return jsonify({"error": "unavailable", "detail": f"redis unreachable: {type(exc).__name__}", "field": None}), 503
    return jsonify({"ok": True, "redis": True})


@bp.get("/metrics")
def metrics():  # type: ignore[no-untyped-def]
    return Response(generate_latest(current_app.extensions["metrics"].registry), mimetype="text/plain; version=0.0.4")
