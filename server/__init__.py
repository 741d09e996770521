"""Flask app factory: settings → mall → Redis → extensions → blueprints → Socket.IO."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Flask

from core.mall.loader import load_mall
from core.mall.schema import Mall
from server.extensions import socketio
from server.settings import ROOT, Settings


def create_app(settings: Settings | None = None, mall: Mall | None = None, background: bool = False) -> Flask:
    """Build one web process. Servers pass `background=True` to start the publisher and staffing threads;
    the `flask` CLI builds the app without them."""
    from server import cli, health, manager
    from server.auth.users import Users
    from server.auth.views import bp as auth_bp
    from server.errors import register_error_handlers
    from server.ingest.api import bp as ingest_bp
    from server.ingest.openapi import bp as openapi_bp
    from server.ingest.tokens import ApiTokens, CameraTokens
    from server.kiosk.api import setup as kiosk_setup
    from server.kiosk.api import start_background as kiosk_background
    from server.live.events import register_socket_events
    from server.live.publisher import LivePublisher
    from server.metrics import Metrics
    from server.pages.views import bp as pages_bp
    from server.redis_client import connect
    from server.store.counts import CountStore
    from server.store.keys import Keys
    from server.store.reads import Reader

    settings = settings or Settings()
    mall = mall or load_mall(settings.mall_file)
    app = Flask(__name__, static_folder=str(ROOT / "kiosk_static"), static_url_path="/static")
    app.config.update(
        SECRET_KEY=settings.secret_key,
        KEY_PREFIX=settings.key_prefix,
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        PAGES_DIR=str(ROOT / "kiosk_static" / "pages"),
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.session_minutes),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_NAME="mall_session",
        JSON_SORT_KEYS=False,
    )
    r = connect(settings.redis_url)
    keys = Keys(settings.key_prefix)
    tz, opening = mall.mall.timezone, mall.mall.opening_time
    metrics = Metrics()
    store = CountStore(r, keys, tz, opening)
    reader = Reader(r, keys, tz)
    app.extensions.update(
        settings=settings, mall=mall, redis=r, keys=keys, metrics=metrics, count_store=store, reader=reader,
        camera_tokens=CameraTokens(r, keys), api_tokens=ApiTokens(r, keys), users=Users(r, keys),
    )

    socketio.init_app(
        app, async_mode=settings.async_mode,
        message_queue=settings.redis_url if settings.message_queue else None,
        channel=f"{settings.key_prefix}socketio", manage_session=True,
    )
    live = LivePublisher(socketio, r, reader, store, mall, metrics, settings.publish_interval_ms / 1000.0,
                         settings.camera_offline_seconds, f"{settings.key_prefix}lock:tick")
    app.extensions["live"] = live
    register_socket_events(socketio)
    register_error_handlers(app)
    for bp in (health.bp, auth_bp, ingest_bp, openapi_bp, pages_bp):
        app.register_blueprint(bp)
    _register_staffing(app)  # the staffing engine and its API
    manager.register(app)  # the managers' page, its APIs and the alert engine (tick hook)
    kiosk_setup(app)  # kiosk content, heartbeats, engagement, assistance requests
    cli.register(app)

    @app.after_request
    def _security_headers(resp):  # type: ignore[no-untyped-def]
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        resp.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        )
        return resp

    if background:
        live.start()
        kiosk_background(app)
        staffing = app.extensions.get("staffing")
        if staffing is not None and settings.staffing:
            staffing.start()
    logging.getLogger(__name__).info("web app ready: %d zones, %d cameras", len(mall.zones), len(mall.cameras))
    return app


def _register_staffing(app: Flask) -> None:
    """One StaffingService per process; only the Redis-lock leader computes, every process can publish."""
    from server.staffing.api import bp as staffing_bp
    from server.staffing.service import StaffingService

    app.register_blueprint(staffing_bp)

    def publish(suggestion: dict) -> None:
        socketio.emit("staffing", suggestion, to="managers")
        public = suggestion.get("public") if isinstance(suggestion, dict) else None
        if public is not None:
            socketio.emit("checkout", public, to="crowd")

    app.extensions["staffing"] = StaffingService(
        app.extensions["redis"], app.config["KEY_PREFIX"], app.extensions["mall"], publish,
    )
