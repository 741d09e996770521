"""Flask app factory: settings → mall → Redis → services → blueprints → Socket.IO."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

import redis
from flask import Flask

from core.mall.loader import load_mall
from core.mall.schema import Mall
from server.extensions import socketio
from server.live.notify import Emitter, Notifier
from server.services import Services
from server.settings import ROOT, Settings
from server.store.keys import Keys

if TYPE_CHECKING:
    from server.ingest.wsgi_app import WSGIApp


def build_services(settings: Settings, mall: Mall, emitter: Emitter | None = None) -> Services:
    """Every service of one web process, in dependency order; nothing is created later or looked up by name.
    Live updates go out through `emitter` (default: this process's Socket.IO server)."""
    from server.assist.store import AssistStore
    from server.auth.users import Users
    from server.ingest.tokens import ApiTokens, CameraTokens
    from server.kiosk.analytics import Engagement
    from server.kiosk.content import content_dir, load_content
    from server.kiosk.registry import KioskRegistry
    from server.kiosk.watcher import ContentWatcher
    from server.live.publisher import LivePublisher
    from server.manager.alerts import AlertEngine
    from server.manager.content_edit import ContentEditor
    from server.metrics import Metrics
    from server.redis_client import connect
    from server.staffing.service import StaffingService
    from server.store.counts import CountStore
    from server.store.reads import Reader

    r = connect(settings.redis_url)
    keys = Keys(settings.key_prefix)
    tz, opening = mall.mall.timezone, mall.mall.opening_time
    metrics = Metrics()
    counts = CountStore(r, keys, tz, opening)
    reader = Reader(r, keys, tz)
    notify = Notifier(emitter or socketio)
    live = LivePublisher(notify, r, reader, counts, mall, metrics, settings.publish_interval_ms / 1000.0,
                         settings.camera_offline_seconds, keys.tick_lock)
    kiosks = KioskRegistry(r, keys, mall)
    content_root = content_dir()
    content = load_content(mall, content_root)
    assist = AssistStore(r, keys, settings.assist_max_per_hour)
    alerts = AlertEngine(r, keys, mall, notify.alert, camera_offline_seconds=settings.camera_offline_seconds,
                         kiosk_offline_seconds=settings.kiosk_offline_seconds, kiosk_status=kiosks.status,
                         camera_grace_seconds=settings.camera_grace_seconds,
                         assist_overdue=lambda now: assist.overdue(now, settings.assist_escalate_seconds))
    watcher = ContentWatcher(mall, content_root, content, _content_emitter(r, keys, notify), settings.content_poll_seconds)
    editor = ContentEditor(r, keys, mall, watcher)
    live.tick_hooks += [alerts.tick, editor.tick]  # once per tick in one process: alerts, scheduled content
    svc = Services(
        settings=settings, mall=mall, redis=r, keys=keys, metrics=metrics, counts=counts, reader=reader,
        notify=notify, live=live, camera_tokens=CameraTokens(r, keys), api_tokens=ApiTokens(r, keys), users=Users(r, keys),
        staffing=StaffingService(r, settings.key_prefix, mall, notify=notify, reader=reader.minutes_of),
        assist=assist, kiosks=kiosks,
        engagement=Engagement(r, keys, tz),
        content=watcher, alerts=alerts, content_editor=editor,
    )
    return svc


def _content_emitter(r: redis.Redis, keys: Keys, notify: Notifier) -> Callable[[str, dict], None]:
    """With several web processes watching the same files, one of them emits each content change."""

    def emit(zone: str, view: dict) -> None:
        tag = hashlib.sha1(json.dumps([zone, view["version"], view["subsidy"]], sort_keys=True).encode()).hexdigest()[:16]
        try:
            if not r.set(keys.kiosk_content_emit(tag), "1", nx=True, ex=60):
                return
        except Exception:  # Redis down: emit anyway (duplicates are harmless, kiosks compare versions)
            pass
        notify.content(zone, view)

    return emit


def create_app(settings: Settings | None = None, mall: Mall | None = None, background: bool = False) -> Flask:
    """Build one web process. Servers pass `background=True` to start the publisher, watcher and staffing threads;
    the `flask` CLI builds the app without them."""
    from server import cli, health, jsonbody
    from server.api_doc.document import create_blueprint as openapi_bp
    from server.assist.api import create_blueprint as assist_bp
    from server.auth.views import create_blueprint as auth_bp
    from server.checkout.api import create_blueprint as checkout_bp
    from server.errors import register_error_handlers
    from server.ingest.api import create_blueprint as ingest_bp
    from server.kiosk.api import create_blueprint as kiosk_bp
    from server.kiosk.enrol_api import create_blueprint as kiosk_enrol_bp
    from server.live.events import register_socket_events
    from server.manager.views import create_blueprint as manager_bp
    from server.pages.views import create_blueprint as pages_bp
    from server.redis_client import SocketIOQueue
    from server.staffing.api import create_blueprint as staffing_bp

    settings = settings or Settings()
    mall = mall or load_mall(settings.mall_file)
    app = Flask(__name__, static_folder=str(ROOT / "kiosk_static"), static_url_path="/static")
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        PAGES_DIR=str(ROOT / "kiosk_static" / "pages"),
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.session_minutes),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_NAME="mall_session",
        JSON_SORT_KEYS=False,
    )
    svc = build_services(settings, mall)
    app.extensions["services"] = svc  # for tests; features and the CLI get `svc` passed in

    socketio.init_app(  # the message queue on a bounded blocking pool (server/redis_client.py SocketIOQueue)
        app, async_mode=settings.async_mode, manage_session=True,
        client_manager=SocketIOQueue(settings.redis_url, svc.keys.socketio_channel) if settings.message_queue else None,
    )
    register_socket_events(socketio, svc)
    register_error_handlers(app)
    jsonbody.register(app)  # deeply nested JSON bodies are a 400 on every route
    app.register_blueprint(health.create_blueprint(svc))
    app.register_blueprint(openapi_bp(svc))
    for make in (auth_bp, ingest_bp, pages_bp, staffing_bp, checkout_bp, manager_bp, kiosk_bp, kiosk_enrol_bp, assist_bp):
        app.register_blueprint(make(svc))
    cli.register(app, svc)

    @app.after_request
    def _security_headers(resp):  # type: ignore[no-untyped-def]
        for name, value in SECURITY_HEADERS.items():
            resp.headers.setdefault(name, value)
        return resp

    if background:
        svc.start_background()
    logging.getLogger(__name__).info("web app ready: %d zones, %d cameras", len(mall.zones), len(mall.cameras))
    return app


# every answer of every process: the web processes' after_request and the camera-only process set them
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
}


def create_ingest_app(settings: Settings | None = None, mall: Mall | None = None, background: bool = False) -> WSGIApp:
    """The camera-only process: camera events, heartbeats and config (and health), as a plain WSGI function.

    Every camera posts a few small batches a second; in the full server each of them also paid for the page,
    session and socket machinery cameras never use. This process serves the camera routes alone (under granian,
    `python -m server.ingest`) through the same `CameraApi` as the full server's blueprint, and the zone updates
    it publishes reach the pages through the Socket.IO message queue, so it needs that queue.
    """
    from server.health import ready_probe
    from server.ingest.camera_api import CameraApi
    from server.ingest.wsgi_app import camera_wsgi
    from server.redis_client import QueueEmitter

    settings = settings or Settings()
    if not settings.message_queue:
        raise ValueError("SOCKETIO_MESSAGE_QUEUE: the ingest process publishes live updates through the message queue; "
                         "it cannot run with the queue off")
    mall = mall or load_mall(settings.mall_file)
    keys = Keys(settings.key_prefix)
    svc = build_services(settings, mall, QueueEmitter(settings.redis_url, keys.socketio_channel))
    app = camera_wsgi(CameraApi(svc), settings.max_body_bytes, SECURITY_HEADERS, ready_probe(settings.redis_url),
                      svc.metrics.registry)
    if background:
        svc.live.start()  # zone updates of this process's batches; pages, content and staffing run elsewhere
    logging.getLogger(__name__).info("ingest process ready: %d cameras", len(mall.cameras))
    return app
