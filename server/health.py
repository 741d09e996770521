"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import hmac
import os

import redis
from flask import Blueprint, Response, jsonify, request
from prometheus_client import generate_latest
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from server.errors import error_body
from server.services import Services

READY_TIMEOUT_SECONDS = 0.5


def _probe(url: str) -> redis.Redis:
    """A client of its own for /readyz: half-second timeouts and no retry, so a stopped Redis is reported at
    once (the shared client waits 5 s per command, which held /readyz for 10 s), and a full shared pool
    cannot make the process look unready."""
    pool = redis.BlockingConnectionPool.from_url(
        url, socket_timeout=READY_TIMEOUT_SECONDS, socket_connect_timeout=READY_TIMEOUT_SECONDS, max_connections=4,
        timeout=READY_TIMEOUT_SECONDS, retry=Retry(NoBackoff(), 0))
    return redis.Redis(connection_pool=pool)


def create_blueprint(svc: Services) -> Blueprint:
    bp = Blueprint("health", __name__)
    probe = _probe(svc.settings.redis_url)

    @bp.get("/healthz")
    def healthz():  # type: ignore[no-untyped-def]
        return jsonify({"ok": True})


    @bp.get("/readyz")
    def readyz():  # type: ignore[no-untyped-def]
        try:
            probe.ping()
        except RedisError as exc:
            return jsonify(error_body("unavailable", f"redis unreachable: {type(exc).__name__}")), 503
        return jsonify({"ok": True, "redis": True})


    @bp.get("/metrics")
    def metrics():  # type: ignore[no-untyped-def]
        """Prometheus scrape: from the machine itself, or with `Authorization: Bearer $METRICS_TOKEN`.
        (nginx in front denies /metrics, since behind it every client looks local.)"""
        token = os.environ.get("METRICS_TOKEN")
        sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        local = (request.remote_addr or "") in ("127.0.0.1", "::1")
        if not (local or (token and hmac.compare_digest(sent, token))):
            return jsonify(error_body("forbidden", "metrics are served to localhost or with METRICS_TOKEN")), 403
        return Response(generate_latest(svc.metrics.registry), mimetype="text/plain; version=0.0.4")

    return bp
