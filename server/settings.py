"""Settings from environment variables with defaults (12-factor, as in microblog)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", ROOT / "var"))


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"environment variable {name}: expected an integer, got {raw!r}") from None


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise SystemExit(f"environment variable {name}: expected a number, got {raw!r}") from None


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


def _secret_key() -> str:
    """SECRET_KEY from the environment; in development a random key kept under var/ (never in the repo)."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if os.environ.get("APP_ENV") == "production":
        raise SystemExit("environment variable SECRET_KEY: required when APP_ENV=production")
    path = VAR_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except OSError:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key


@dataclass(frozen=True)
class Settings:
    redis_url: str = field(default_factory=lambda: os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    key_prefix: str = field(default_factory=lambda: os.environ.get("KEY_PREFIX", "mall:"))
    mall_file: str | None = field(default_factory=lambda: os.environ.get("MALL_CONFIG") or None)
    secret_key: str = field(default_factory=_secret_key)
    port: int = field(default_factory=lambda: _env_int("PORT", 5000))
    # the camera-only process (`python -m server.ingest`): its port and request threads
    ingest_port: int = field(default_factory=lambda: _env_int("INGEST_PORT", 5001))
    ingest_threads: int = field(default_factory=lambda: _env_int("INGEST_THREADS", 4))
    async_mode: str = field(default_factory=lambda: os.environ.get("SOCKETIO_ASYNC_MODE", "threading"))
    message_queue: bool = field(default_factory=lambda: _env_bool("SOCKETIO_MESSAGE_QUEUE", True))
    max_batch_events: int = field(default_factory=lambda: _env_int("MAX_BATCH_EVENTS", 1000))
    max_body_bytes: int = field(default_factory=lambda: _env_int("MAX_BODY_BYTES", 256 * 1024))
    camera_offline_seconds: int = field(default_factory=lambda: _env_int("CAMERA_OFFLINE_SECONDS", 30))
    late_event_hours: int = field(default_factory=lambda: _env_int("LATE_EVENT_HOURS", 24))
    publish_interval_ms: int = field(default_factory=lambda: _env_int("PUBLISH_INTERVAL_MS", 50))
    session_minutes: int = field(default_factory=lambda: _env_int("SESSION_MINUTES", 12 * 60))
    secure_cookies: bool = field(default_factory=lambda: _env_bool("SECURE_COOKIES", False))
    staffing: bool = field(default_factory=lambda: _env_bool("STAFFING_ENGINE", True))
    kiosk_offline_seconds: float = field(default_factory=lambda: _env_float("KIOSK_OFFLINE_SECONDS", 60.0))
    assist_max_per_hour: int = field(default_factory=lambda: _env_int("ASSIST_MAX_PER_HOUR", 12))
    assist_escalate_seconds: float = field(default_factory=lambda: _env_float("ASSIST_ESCALATE_SECONDS", 120.0))
    camera_grace_seconds: float = field(default_factory=lambda: _env_float("CAMERA_GRACE_SECONDS", 60.0))
    content_poll_seconds: float = field(default_factory=lambda: _env_float("KIOSK_CONTENT_POLL_SECONDS", 1.0))
    # login throttling and client addresses (server/auth/throttle.py): how many reverse proxies in front append
    # to X-Forwarded-For; 0 = X-Forwarded-For is ignored and the socket's peer is the client
    trusted_proxies: int = field(default_factory=lambda: _env_int("TRUSTED_PROXIES", 0))
    # plausibility of camera events (server/ingest/api.py): beyond these an event is quarantined, not counted
    plausible_people_per_event: int = field(default_factory=lambda: _env_int("PLAUSIBLE_PEOPLE_PER_EVENT", 1000))
    plausible_people_per_camera_minute: int = field(default_factory=lambda: _env_int("PLAUSIBLE_PEOPLE_PER_CAMERA_MINUTE", 1500))
    plausible_occupancy_factor: float = field(default_factory=lambda: _env_float("PLAUSIBLE_OCCUPANCY_FACTOR", 3.0))
    # kiosk enrolment (server/kiosk/enrol.py), on by default: only enrolled kiosks send heartbeats, engagement and
    # assistance requests; KIOSK_ENROLMENT=0 is an explicit opt-out for a lab where anyone may act as a kiosk
    kiosk_enrolment: bool = field(default_factory=lambda: _env_bool("KIOSK_ENROLMENT", True))
    assist_global_per_minute: int = field(default_factory=lambda: _env_int("ASSIST_GLOBAL_PER_MINUTE", 120))
