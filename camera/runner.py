"""`python -m camera run`: capture → pipeline → spool → push, with heartbeat; no image leaves the node."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

import cv2

from camera.capture import FileSource, open_source
from camera.config import ConfigError, NodeConfig, load_file, parse
from camera.models import ModelError
from camera.pipeline import build_pipeline
from camera.push import Pusher
from camera.spool import Spool

log = logging.getLogger("camera.run")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="count people on one camera and push counts to the server")
    p.add_argument("--camera", required=True, help="camera id from the mall config")
    p.add_argument("--source", required=True, help="FILE, rtsp://..., http://... (MJPEG) or a device index")
    p.add_argument("--server", default=os.environ.get("CAMERA_SERVER", "http://127.0.0.1:5000"))
    p.add_argument("--token", default=os.environ.get("CAMERA_TOKEN"), help="camera token (or CAMERA_TOKEN)")
    p.add_argument("--token-file", help="JSON {camera_id: token} or a file holding just the token")
    p.add_argument("--config", help="local config file (line, in_side, detector, polygon) instead of the server's")
    p.add_argument("--spool", help="spool file (default var/spool/<camera>.sqlite)")
    p.add_argument("--realtime", action="store_true", help="play a file at its own fps (demos)")
    p.add_argument("--loop", action="store_true", help="replay a file forever (demos)")
    p.add_argument("--preview", type=int, metavar="PORT", help="annotated MJPEG on 127.0.0.1:PORT (off by default)")
    p.add_argument("--max-frames", type=int, help="stop after N frames")
    p.set_defaults(func=main)


def resolve_token(args: argparse.Namespace) -> str:
    if args.token:
        return str(args.token)
    if args.token_file:
        try:
            text = Path(args.token_file).read_text().strip()
        except OSError as exc:
            raise ConfigError(f"--token-file: cannot read {args.token_file}: {exc.strerror}") from None
        if text.startswith("{"):
            token = json.loads(text).get(args.camera)
            if not token:
                raise ConfigError(f"--token-file: no token for camera {args.camera!r} in {args.token_file}")
            return str(token)
        return text
    raise ConfigError("--token: required (or CAMERA_TOKEN, or --token-file)")


def resolve_config(args: argparse.Namespace, pusher: Pusher, cache: Path, stop: threading.Event) -> NodeConfig:
    """Local file if given; else the server's, cached so a restart during a server outage still counts."""
    if args.config:
        return load_file(args.config)
    delay = 1.0
    while not stop.is_set():
        try:
            cfg = parse(pusher.fetch_config(), f"server config of {args.camera}")
            cache.write_text(json.dumps(cfg.model_dump(mode="json")))
            return cfg
        except ConfigError:
            raise
        except Exception as exc:  # server down or refusing: fall back to the cached copy
            if cache.exists():
                log.warning("server config unavailable (%s); using cached %s", exc, cache)
                return parse(json.loads(cache.read_text()), f"cached config {cache}")
            log.warning("server config unavailable (%s); retrying in %.0f s", exc, delay)
            stop.wait(delay)
            delay = min(30.0, delay * 2)
    raise SystemExit(0)


def check_model(cfg: NodeConfig) -> None:
    """Stop before counting if the configured model file is missing or corrupt (ModelError names the file)."""
    det = cfg.pipeline_config().get("detector") or {"name": "openvino"}
    if det.get("name", "openvino") == "openvino":
        from camera.models import DEFAULT_MODEL, verify

        verify(str(det.get("model", DEFAULT_MODEL)))


def main(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s camera %(levelname)s %(message)s")
    cv2.setNumThreads(1)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        token = resolve_token(args)
        spool_path = Path(args.spool or f"var/spool/{args.camera}.sqlite")
        spool = Spool(spool_path)
        pusher = Pusher(args.server, args.camera, token, spool)
        cfg = resolve_config(args, pusher, spool_path.with_suffix(".config.json"), stop)
        check_model(cfg)
    except (ConfigError, ModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    push_thread, push_stop = pusher.start()
    preview = None
    if args.preview:
        from camera.preview import Preview

        preview = Preview(args.preview)
    try:
        while not stop.is_set():
            try:
                source = open_source(args.source, realtime=args.realtime)
            except (FileNotFoundError, OSError) as exc:
                print(f"error: --source: {exc}", file=sys.stderr)
                return 2
            count_frames(args, source, cfg, spool, pusher, stop, preview)
            source.close()
            if not args.loop or not isinstance(source, FileSource):
                break
    finally:
        push_stop.set()
        push_thread.join(5)
        pusher.drain(time.monotonic() + 5)
        pusher.heartbeat()  # last word: final spool depth and detector rate
        log.info("stopped; %d events delivered, %d waiting in the spool", pusher.delivered, spool.depth())
        if preview:
            preview.close()
    return 0


def count_frames(args: argparse.Namespace, source, cfg: NodeConfig, spool: Spool, pusher: Pusher,  # type: ignore[no-untyped-def]
                 stop: threading.Event, preview) -> None:
    pipe = None
    n = 0
    t0 = time.monotonic()
    progress = None
    if hasattr(source, "cap") and not args.realtime and sys.stderr.isatty():
        from tqdm import tqdm

        progress = tqdm(total=int(source.cap.get(cv2.CAP_PROP_FRAME_COUNT)) or None, unit="frame")
    while not stop.is_set():
        fr = source.read(timeout=5.0)
        if fr is None:
            if source.alive:
                continue
            break
        if pipe is None:
            w, h = fr.size
            pipe = build_pipeline(cfg.pipeline_config(), w, h, getattr(source, "fps", 25.0) or 25.0)
        for c in pipe.process(fr.image, fr.index, fr.t):
            occ = pipe.zone_stats.occupancy if pipe.zone_stats is not None else None
            spool.append(time.time(), 1 if c.kind == "in" else 0, 1 if c.kind == "out" else 0, occ)
        n += 1
        if progress:
            progress.update(1)
        if n % 10 == 0:
            pusher.health.fps = n / max(1e-6, time.monotonic() - t0)
            pusher.health.detect_stride = pipe.stride
            pusher.health.detect_fps = pusher.health.fps / pipe.stride
            pusher.health.dropped_frames = source.stats.dropped
            pusher.health.frame_lag_ms = max(0.0, (time.time() - fr.wall) * 1000.0)
        if preview is not None:
            a = pipe.counter.a.astype(int)
            b = pipe.counter.b.astype(int)
            tracks = [(t.track_id, t.box) for t in pipe.last_tracks if t.matched]
            preview.show(fr.image, tracks, ((int(a[0]), int(a[1])), (int(b[0]), int(b[1]))), pipe.counts)
        if args.max_frames and n >= args.max_frames:
            stop.set()
    if progress:
        progress.close()
