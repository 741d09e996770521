"""HTTP side of the installer view: the page, the latest frame, the overlay state and the save endpoint.

Loopback only.  Requests whose Host is not this loopback address are refused (a web page elsewhere cannot
reach the camera through DNS rebinding), and the save endpoint takes only ``application/json`` bodies,
which a cross-site form cannot send without a CORS preflight that this server never answers.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from camera.config import ConfigError
from camera.setup import LiveState, blank_jpeg

STATIC = Path(__file__).resolve().parent / "setup_static"
FILES = {"/": ("index.html", "text/html; charset=utf-8"), "/setup.js": ("setup.js", "text/javascript; charset=utf-8"),
         "/setup.css": ("setup.css", "text/css; charset=utf-8")}
MAX_BODY = 16384


def make_handler(state: LiveState, port: int) -> type[BaseHTTPRequestHandler]:
    allowed_hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}

    class Handler(BaseHTTPRequestHandler):
        server_version = "camera-setup"

        def _send(self, status: int, body: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, obj: Any) -> None:
            self._send(status, json.dumps(obj).encode(), "application/json")

        def _host_ok(self) -> bool:
            if self.headers.get("Host") in allowed_hosts:
                return True
            self._json(403, {"error": "forbidden", "detail": "the installer view answers only 127.0.0.1", "field": "Host"})
            return False

        def do_GET(self) -> None:
            if not self._host_ok():
                return
            path = self.path.split("?", 1)[0]
            if path in FILES:
                name, ctype = FILES[path]
                self._send(200, (STATIC / name).read_bytes(), ctype)
            elif path == "/frame.jpg":
                with state.lock:
                    jpeg = state.jpeg
                self._send(200, jpeg or blank_jpeg(), "image/jpeg")
            elif path == "/api/state":
                self._json(200, state.snapshot())
            else:
                self._json(404, {"error": "not_found", "detail": f"no such page: {path}", "field": None})

        def do_POST(self) -> None:
            if not self._host_ok():
                return
            if self.path != "/api/config":
                self._json(404, {"error": "not_found", "detail": f"no such endpoint: {self.path}", "field": None})
                return
            if (self.headers.get("Content-Type") or "").split(";")[0].strip() != "application/json":
                self._json(415, {"error": "unsupported_media_type", "detail": "send application/json", "field": "Content-Type"})
                return
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if not 0 < length <= MAX_BODY:
                self._json(400, {"error": "bad_request", "detail": f"body of 1..{MAX_BODY} bytes expected", "field": "body"})
                return
            try:
                body = json.loads(self.rfile.read(length))
            except ValueError as exc:
                self._json(400, {"error": "bad_json", "detail": str(exc), "field": "body"})
                return
            try:
                cfg = state.save(body)
            except ConfigError as exc:
                self._json(400, {"error": "invalid_config", "detail": str(exc), "field": exc.field})
                return
            except OSError as exc:
                self._json(500, {"error": "write_failed", "detail": f"{state.config_path}: {exc.strerror}", "field": None})
                return
            self._json(200, {"saved": str(state.config_path), "line": [list(cfg.line[0]), list(cfg.line[1])],
                             "in_side": cfg.in_side, "epoch": state.snapshot()["epoch"]})

        def log_message(self, *_: object) -> None:
            return

    return Handler


def serve(state: LiveState, port: int) -> ThreadingHTTPServer:
    """Start the server on 127.0.0.1:``port`` (0 = any free port) in a daemon thread."""
    server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(state, port))
    if port == 0:
        server.RequestHandlerClass = make_handler(state, server.server_address[1])
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True, name="setup-http").start()
    return server
