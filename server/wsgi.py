"""gunicorn entry point: `gunicorn -w 1 --threads 200 server.wsgi:app` (one worker per process)."""

import sys

from server import create_app
from server.logs import configure_logging
from server.mall.loader import MallConfigError

configure_logging()
try:
    app = create_app(background=True)
except MallConfigError as exc:
    print(f"error: {exc}", file=sys.stderr)
    sys.exit(2)
