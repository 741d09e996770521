"""`python -m server`: one web process (Werkzeug threading server with WebSocket support)."""

from __future__ import annotations

import sys

from core.mall.loader import MallConfigError
from server.logs import configure_logging


def main() -> int:
    configure_logging()
    from server import create_app
    from server.extensions import socketio
    from server.settings import Settings

    settings = Settings()
    try:
        app = create_app(settings, background=True)
    except MallConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    host = "0.0.0.0" if "--public" in sys.argv else "127.0.0.1"
    socketio.run(app, host=host, port=settings.port, allow_unsafe_werkzeug=True, use_reloader=False, log_output=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
