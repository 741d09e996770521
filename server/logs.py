"""Structured JSON logs on stderr: one object per line, easy to ship and grep."""

from __future__ import annotations

import json
import logging
import os
import time

_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        body = {
            "ts": round(time.time(), 3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            body["exc"] = self.formatException(record.exc_info)
        # what a library passes as `extra=` (python-socketio's redis_exception, ...) is kept, never dropped
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in body:
                body[key] = value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)
        return json.dumps(body, ensure_ascii=False)


def configure_logging() -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(os.environ.get("LOG_LEVEL", "INFO"))
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
