"""`python -m server.ingest [--public]`: the camera-only web process on INGEST_PORT, served by granian.

granian parses HTTP in Rust and hands Python only complete requests, so a camera batch costs little more than
its own validation and one Redis call; a slow or idle client holds no Python thread (headers must arrive within
10 s; idle keep-alive connections stay open, so camera pushers never race a server-side close).
"""

from __future__ import annotations

import os
import sys

from core.mall.loader import MallConfigError, load_mall
from server.logs import configure_logging
from server.settings import Settings

HEADER_READ_TIMEOUT_MS = 10_000


def main() -> int:
    configure_logging()
    settings = Settings()
    try:
        load_mall(settings.mall_file)  # a broken mall file stops here with its message, not in a worker loop
    except MallConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from granian import Granian
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings

    Granian(
        "server.ingest.wsgi:app", interface=Interfaces.WSGI, address="0.0.0.0" if "--public" in sys.argv else "127.0.0.1",
        port=settings.ingest_port, workers=1, blocking_threads=settings.ingest_threads, websockets=False,
        http1_settings=HTTP1Settings(header_read_timeout=HEADER_READ_TIMEOUT_MS, keep_alive=True),
        log_level=os.environ.get("LOG_LEVEL", "INFO").lower(),
    ).serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
