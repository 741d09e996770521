"""gunicorn entry point: `gunicorn -w 1 --threads 1000 --worker-connections 2000 server.wsgi:app` (one worker per process)."""

import sys

from core.mall.loader import MallConfigError
from server import create_app
from server.logs import configure_logging

configure_logging()
try:
    app = create_app(background=True)
except MallConfigError as exc:
    print(f"error: {exc}", file=sys.stderr)
    sys.exit(2)
