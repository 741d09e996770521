"""One error shape for the whole API: {error, detail, field} with a 4xx status."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status: int, error: str, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.error, self.detail, self.field = status, error, detail, field


def error_body(error: str, detail: str, field: str | None = None) -> dict[str, str | None]:
    return {"error": error, "detail": detail, "field": field}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):  # type: ignore[no-untyped-def]
        return jsonify(error_body(exc.error, exc.detail, exc.field)), exc.status

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
            name = (exc.name or "error").lower().replace(" ", "_")
            field = "body" if exc.code == 413 else None
            resp = jsonify(error_body(name, exc.description or name, field))
            resp.status_code = exc.code or 400
            if exc.code == 405 and exc.valid_methods:  # type: ignore[attr-defined]
                resp.headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
            return resp
        return exc

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):  # type: ignore[no-untyped-def]
        # Dependencies failing (Redis down) are the only expected cause; never leak a traceback.
        log.exception("unhandled error on %s %s", request.method, request.path)
        from redis.exceptions import RedisError

        if isinstance(exc, RedisError):
            return jsonify(error_body("unavailable", "the data store is unreachable; retry later")), 503
        return jsonify(error_body("internal_error", "unexpected server error; it has been logged")), 500
