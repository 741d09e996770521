"""The camera-only process as a plain WSGI function: camera events, heartbeats and config, and health.

Cameras post a few small batches a second each. In a Flask app, request contexts, routing, sessions and
response objects cost each of those batches more than validating and applying it (measured: 390 µs against
170 µs a batch in-process), so this process routes its five paths itself and calls the same `CameraApi` as the
full server's blueprint: the camera rules exist once. Answers are the server's: JSON bodies, `ErrorBody` on
every failure (never a traceback), the same security headers.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from prometheus_client import generate_latest
from pydantic import BaseModel
from redis.exceptions import RedisError

from server.errors import ApiError, error_body
from server.health import metrics_allowed, readiness
from server.ingest.camera_api import CameraApi
from server.jsonbody import check_depth

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
CAMERA_PATH = re.compile(r"^/api/v1/cameras/([^/]{1,200})/(events|heartbeat|config)$")
METHODS = {"events": "POST", "heartbeat": "POST", "config": "GET"}


def _is_json(environ: dict[str, Any]) -> bool:
    mimetype = environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
    return mimetype == "application/json" or (mimetype.startswith("application/") and mimetype.endswith("+json"))


def camera_wsgi(cameras: CameraApi, max_body_bytes: int, security_headers: dict[str, str],
                probe: Any, registry: Any) -> WSGIApp:
    """The WSGI callable of the camera-only process."""
    common = list(security_headers.items())

    def reply(start_response: Callable[..., Any], status: int, body: bytes, content_type: str = "application/json",
              extra: list[tuple[str, str]] | None = None) -> list[bytes]:
        headers = [("Content-Type", content_type), ("Content-Length", str(len(body))), *common, *(extra or [])]
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [body]

    def error(start_response: Callable[..., Any], status: int, name: str, detail: str, field: str | None = None,
              extra: list[tuple[str, str]] | None = None) -> list[bytes]:
        body = json.dumps(error_body(name, detail, field, [field] if field else None)).encode()
        return reply(start_response, status, body, extra=extra)

    def read_body(environ: dict[str, Any]) -> bytes:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise ApiError(400, "bad_request", "Content-Length is not a number", "Content-Length") from None
        if length > max_body_bytes:
            raise ApiError(413, "request_entity_too_large", f"the body is larger than {max_body_bytes} bytes", "body")
        data = environ["wsgi.input"].read(length) if length > 0 else b""
        if data and _is_json(environ):
            check_depth(data)  # as the web processes' before_request does, before anything else reads it
        return data

    def camera_route(environ: dict[str, Any], camera_id: str, what: str) -> BaseModel | dict[str, Any]:
        auth = environ.get("HTTP_AUTHORIZATION")
        if what == "config":
            return cameras.config(camera_id, auth)
        data = read_body(environ)
        if what == "events":
            return cameras.events(camera_id, auth, _is_json(environ), data)
        return cameras.heartbeat(camera_id, auth, _is_json(environ), data)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        try:
            m = CAMERA_PATH.match(path)
            if m is not None:
                if method != METHODS[m.group(2)]:
                    return error(start_response, 405, "method_not_allowed", f"use {METHODS[m.group(2)]} on this path",
                                 extra=[("Allow", METHODS[m.group(2)])])
                out = camera_route(environ, m.group(1), m.group(2))
                body = out.model_dump_json().encode() if isinstance(out, BaseModel) else json.dumps(out).encode()
                return reply(start_response, 200, body)
            if path in ("/healthz", "/readyz", "/metrics") and method not in ("GET", "HEAD"):
                return error(start_response, 405, "method_not_allowed", "use GET on this path", extra=[("Allow", "GET")])
            if path == "/healthz":
                return reply(start_response, 200, b'{"ok":true}')
            if path == "/readyz":
                status, payload = readiness(probe)
                return reply(start_response, status, json.dumps(payload).encode())
            if path == "/metrics":
                if not metrics_allowed(environ.get("REMOTE_ADDR"), environ.get("HTTP_AUTHORIZATION")):
                    return error(start_response, 403, "forbidden", "metrics are served to localhost or with METRICS_TOKEN")
                return reply(start_response, 200, generate_latest(registry), "text/plain; version=0.0.4")
            return error(start_response, 404, "not_found",
                         "this process serves camera routes only (/api/v1/cameras/<id>/events|heartbeat|config)")
        except ApiError as exc:
            extra = [("Retry-After", str(exc.retry_after))] if exc.retry_after is not None else None
            return reply(start_response, exc.status, json.dumps(exc.body()).encode(), extra=extra)
        except RedisError:
            log.exception("redis error on %s %s", method, path)
            return error(start_response, 503, "unavailable", "the data store is unreachable; retry later")
        except Exception:  # never a traceback to a camera
            log.exception("unhandled error on %s %s", method, path)
            return error(start_response, 500, "internal_error", "unexpected server error; it has been logged")

    return app
