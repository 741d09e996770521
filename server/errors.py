"""One error type for the whole API: a 4xx with {error, detail, field, path}.

Feature code raises `ApiError` (or a subclass named for its domain); the handler here turns every one of them
into the same JSON body, so no view converts errors by hand.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from core.validation import field_path

log = logging.getLogger(__name__)


class ApiError(Exception):
    """`field` is the bad field's path: text ("events[3].in") or data (("events", 3, "in")); both are sent."""

    def __init__(self, status: int, error: str, detail: str, field: str | Sequence[str | int] | None = None,
                 retry_after: int | None = None) -> None:
        super().__init__(detail)
        self.status, self.error, self.detail, self.retry_after = status, error, detail, retry_after
        if field is None or isinstance(field, str):
            self.field, self.path = field, ([field] if field else None)
        else:
            self.path = list(field)
            self.field = field_path(tuple(self.path))

    def body(self) -> dict[str, object]:
        return error_body(self.error, self.detail, self.field, self.path)


def error_body(error: str, detail: str, field: str | None = None, path: list[str | int] | None = None) -> dict[str, object]:
    return {"error": error, "detail": detail, "field": field, "path": path}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):  # type: ignore[no-untyped-def]
        resp = jsonify(exc.body())
        resp.status_code = exc.status
        if exc.retry_after is not None:
            resp.headers["Retry-After"] = str(exc.retry_after)
        return resp

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
            name = (exc.name or "error").lower().replace(" ", "_")
            field = "body" if exc.code == 413 else None
            resp = jsonify(error_body(name, exc.description or name, field, [field] if field else None))
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
