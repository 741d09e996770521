"""`python -m camera setup`: the installer view, served by the node itself on 127.0.0.1 only.

The installer sees the live frame, the counting line with an arrow to its "in" side, the boxes with track
ids and live in/out counts; drags the line's ends, picks the in side and saves to the node's config file
(validated; errors name the field).  Saving restarts the counts on the new line.  No image leaves the box:
the HTTP server binds to loopback and answers only requests addressed to it (Host check against DNS
rebinding; writes need a JSON body, which a cross-site form cannot send).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from camera.capture import FileSource, open_source
from camera.config import ConfigError, NodeConfig, load_file, save_line
from camera.models import ModelError
from camera.pipeline import Pipeline, build_pipeline

log = logging.getLogger("camera.setup")
DEFAULT_LINE = [[0.5, 0.05], [0.5, 0.95]]


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("setup", help="installer view on 127.0.0.1: live frame, drag the counting line, save to --config")
    p.add_argument("--source", required=True, help="FILE, rtsp://..., http://... (MJPEG) or a device index")
    p.add_argument("--config", required=True, help="the node's config file (YAML/JSON); created on first save if missing")
    p.add_argument("--port", type=int, default=8090, help="port on 127.0.0.1 (default 8090)")
    p.set_defaults(func=main)


@dataclass
class LiveState:
    """What the page shows; written by the counting thread, read by HTTP handlers (under ``lock``)."""

    config_path: Path
    cfg: NodeConfig
    lock: threading.Lock = field(default_factory=threading.Lock)
    jpeg: bytes | None = None
    size: tuple[int, int] = (0, 0)
    tracks: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"in": 0, "out": 0})
    epoch: int = 0  # +1 every time the line changes and the counts restart
    fps: float = 0.0
    detect_fps: float = 0.0
    detect_ms: float = 0.0
    error: str | None = None

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "width": self.size[0], "height": self.size[1],
                "line": [list(self.cfg.line[0]), list(self.cfg.line[1])], "in_side": self.cfg.in_side,
                "tracks": list(self.tracks), "counts": dict(self.counts), "epoch": self.epoch,
                "fps": round(self.fps, 1), "detect_fps": round(self.detect_fps, 1), "detect_ms": round(self.detect_ms, 1),
                "config": str(self.config_path), "error": self.error,
            }

    def save(self, body: Any) -> NodeConfig:
        """Validate and write the new line; the counting thread restarts counts on it."""
        if not isinstance(body, dict):
            raise ConfigError("body: expected a JSON object with line and in_side", "body")
        cfg = save_line(self.config_path, body.get("line"), body.get("in_side"))
        with self.lock:
            self.cfg = cfg
            self.epoch += 1
            self.counts = {"in": 0, "out": 0}
        return cfg


def initial_config(path: Path) -> NodeConfig:
    """The file's config, or a centred vertical line when the file does not exist yet."""
    if path.exists():
        return load_file(path)
    from camera.config import parse

    return parse({"line": DEFAULT_LINE, "in_side": "right"}, f"--config {path}")


def count_loop(source_spec: str, state: LiveState, stop: threading.Event) -> None:
    """Capture → pipeline (rebuilt on every saved line) → frame + overlay data for the page."""
    pipe: Pipeline | None = None
    epoch = -1
    n, t0 = 0, time.monotonic()
    while not stop.is_set():
        source = open_source(source_spec, realtime=True)
        while not stop.is_set():
            fr = source.read(timeout=2.0)
            if fr is None:
                if source.alive:
                    continue
                break
            with state.lock:
                cfg, cur = state.cfg, state.epoch
            w, h = fr.size
            if pipe is None or cur != epoch:
                pipe = build_pipeline(cfg.pipeline_config(), w, h, getattr(source, "fps", 25.0) or 25.0)
                epoch = cur
            pipe.process(fr.image, fr.index, fr.t)
            ok, buf = cv2.imencode(".jpg", fr.image, [cv2.IMWRITE_JPEG_QUALITY, 75])
            n += 1
            tracks = [{"id": int(t.track_id), "box": [round(float(v), 1) for v in t.box], "confirmed": bool(t.confirmed)}
                      for t in pipe.last_tracks if t.matched]
            with state.lock:
                if state.epoch == epoch:
                    state.counts = {"in": pipe.counts["in"], "out": pipe.counts["out"]}
                state.size = (w, h)
                state.tracks = tracks
                state.fps = n / max(1e-6, time.monotonic() - t0)
                state.detect_fps = pipe.detect_fps
                state.detect_ms = pipe.detect_seconds * 1000.0
                if ok:
                    state.jpeg = buf.tobytes()
        source.close()
        if not isinstance(source, FileSource):
            stop.wait(1.0)  # a live source gave up: capture reconnects itself, so this is rare
        pipe = None  # a file replays from the start: tracks and counts restart with it


def main(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s camera-setup %(levelname)s %(message)s")
    cv2.setNumThreads(1)
    path = Path(args.config)
    try:
        state = LiveState(path, initial_config(path))
        from camera.runner import check_model

        check_model(state.cfg)
    except (ConfigError, ModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not str(args.source).isdigit() and "://" not in str(args.source) and not Path(args.source).is_file():
        print(f"error: --source: no such file: {args.source}", file=sys.stderr)
        return 2
    from camera.setup_http import serve

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        server = serve(state, args.port)
    except OSError as exc:
        print(f"error: --port: cannot listen on 127.0.0.1:{args.port}: {exc.strerror}", file=sys.stderr)
        return 2
    worker = threading.Thread(target=_guarded, args=(args.source, state, stop), name="setup-count", daemon=True)
    worker.start()
    print(f"installer view: http://127.0.0.1:{server.server_address[1]}/  (config {path}; Ctrl-C stops)", flush=True)
    try:
        while not stop.is_set() and worker.is_alive():
            stop.wait(0.5)
    finally:
        stop.set()
        server.shutdown()
        worker.join(5)
    return 0 if state.error is None else 1


def _guarded(source: str, state: LiveState, stop: threading.Event) -> None:
    """Run the loop; a failure is shown on the page and logged instead of dying silently."""
    try:
        count_loop(source, state, stop)
    except Exception as exc:  # shown to the installer; the process exits non-zero
        log.exception("counting stopped")
        with state.lock:
            state.error = f"{type(exc).__name__}: {exc}"
        stop.set()


def blank_jpeg(width: int = 640, height: int = 360) -> bytes:
    """A grey frame to show before the first real one arrives."""
    ok, buf = cv2.imencode(".jpg", np.full((height, width, 3), 60, np.uint8))
    return buf.tobytes() if ok else b""
