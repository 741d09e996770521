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


def ready_probe(url: str) -> redis.Redis:
    """A client of its own for /readyz: half-second timeouts and no retry, so a stopped Redis is reported at
    once (the shared client waits 5 s per command, which held /readyz for 10 s), and a full shared pool
    cannot make the process look unready."""
    pool = redis.BlockingConnectionPool.from_url(
        url, socket_timeout=READY_TIMEOUT_SECONDS, socket_connect_timeout=READY_TIMEOUT_SECONDS, max_connections=4,
        timeout=READY_TIMEOUT_SECONDS, retry=Retry(NoBackoff(), 0))
    return redis.Redis(connection_pool=pool)


def readiness(probe: redis.Redis) -> tuple[int, dict[str, object]]:
    try:
        probe.ping()
    except RedisError as exc:
        return 503, error_body("unavailable", f"redis unreachable: {type(exc).__name__}")
    return 200, {"ok": True, "redis": True}


def metrics_allowed(remote_addr: str | None, authorization: str | None) -> bool:
    """Prometheus scrapes come from the machine itself, or with `Authorization: Bearer $METRICS_TOKEN`.
    (nginx in front denies /metrics, since behind it every client looks local.)"""
    token = os.environ.get("METRICS_TOKEN")
    sent = (authorization or "").removeprefix("Bearer ").strip()
    return (remote_addr or "") in ("127.0.0.1", "::1") or bool(token and hmac.compare_digest(sent, token))


def create_blueprint(svc: Services) -> Blueprint:
    bp = Blueprint("health", __name__)
    probe = ready_probe(svc.settings.redis_url)

    @bp.get("/healthz")
    def healthz():  # type: ignore[no-untyped-def]
        return jsonify({"ok": True})


    @bp.get("/readyz")
    def readyz():  # type: ignore[no-untyped-def]
        status, body = readiness(probe)
        return jsonify(body), status

    @bp.get("/metrics")
    def metrics():  # type: ignore[no-untyped-def]
        if not metrics_allowed(request.remote_addr, request.headers.get("Authorization")):
            return jsonify(error_body("forbidden", "metrics are served to localhost or with METRICS_TOKEN")), 403
        return Response(generate_latest(svc.metrics.registry), mimetype="text/plain; version=0.0.4")

    return bp
