"""Entry point of the camera-facing process, run by `python -m server.ingest` (granian)."""

import sys
from collections.abc import Callable, Iterable
from typing import Any

from core.mall.loader import MallConfigError
from server import create_ingest_app
from server.logs import configure_logging


def buffered(wsgi: Callable[..., Iterable[bytes]]) -> Callable[..., list[bytes]]:
    """Hand the server each (small JSON) answer as one list: granian sends a list in one go, but pulls an
    iterator chunk by chunk across the Rust/Python boundary, which cost more than the request's own work."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        body = wsgi(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return app


configure_logging()
try:
    flask_app = create_ingest_app(background=True)
    app = buffered(flask_app)
except (MallConfigError, ValueError) as exc:
    print(f"error: {exc}", file=sys.stderr)
    sys.exit(2)
