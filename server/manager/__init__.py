"""The managers' screen: floor map, zone table, charts, staffing panel, alerts, assistance inbox, export."""

from __future__ import annotations

import os

from flask import Flask


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    try:
        return float(raw) if raw else default
    except ValueError:
        raise SystemExit(f"environment variable {name}: expected a number, got {raw!r}") from None


def register(app: Flask) -> None:
    """Blueprint, alert engine and its tick hook (the publisher runs hooks in one process per tick)."""
    from server.extensions import socketio
    from server.manager.alerts import AlertEngine, kiosk_status_source
    from server.manager.views import bp

    r, keys = app.extensions["redis"], app.extensions["keys"]
    settings = app.extensions["settings"]
    engine = AlertEngine(
        r, keys, app.extensions["mall"], lambda a: socketio.emit("alert", a, to="managers"),
        camera_offline_seconds=settings.camera_offline_seconds,
        kiosk_offline_seconds=_env_float("KIOSK_OFFLINE_SECONDS", 60.0),
        kiosk_status=kiosk_status_source(r, keys),
    )
    app.extensions["alerts"] = engine
    app.extensions["live"].tick_hooks.append(engine.tick)
    app.register_blueprint(bp)
