"""Entry point of the camera-only process, run by `python -m server.ingest` (granian)."""

import sys

from core.mall.loader import MallConfigError
from server import create_ingest_app
from server.logs import configure_logging

configure_logging()
try:
    app = create_ingest_app(background=True)
except (MallConfigError, ValueError) as exc:
    print(f"error: {exc}", file=sys.stderr)
    sys.exit(2)
