"""Send spooled events to the ingest API in batches, with heartbeats and backoff.

Only counts leave the node: the payload is (seq, time, in, out[, occupancy]); never a frame.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

import requests

from camera import __version__
from camera.spool import Spool
from core.wire import Batch, Heartbeat, event_index

log = logging.getLogger(__name__)

BACKOFF_START, BACKOFF_MAX = 1.0, 30.0


@dataclass
class Health:
    """What the heartbeat reports; the capture loop updates it."""

    fps: float = 0.0
    dropped_frames: int = 0
    frame_lag_ms: float = 0.0
    detect_fps: float | None = None  # detector passes per second
    detect_stride: int | None = None  # the detector runs on every Nth frame


@dataclass
class Pusher:
    server: str
    camera_id: str
    token: str
    spool: Spool
    batch_max: int = 500
    interval: float = 1.0
    heartbeat_every: float = 5.0
    health: Health = field(default_factory=Health)
    session: requests.Session = field(default_factory=requests.Session)
    timeout: float = 5.0
    backoff_max: float = BACKOFF_MAX

    def __post_init__(self) -> None:
        self.server = self.server.rstrip("/")
        self.session.headers["Authorization"] = f"Bearer {self.token}"
        self.backoff = 0.0
        self.delivered = 0
        self.last_error: str | None = None

    @property
    def _base(self) -> str:
        return f"{self.server}/api/v1/cameras/{self.camera_id}"

    def push_once(self) -> int:
        """Send one batch; returns events acknowledged. Raises nothing: failures set the backoff."""
        batch = self.spool.pending(self.batch_max)
        if not batch:
            return 0
        body = Batch(stream=self.spool.stream, events=batch).body()
        try:
            res = self.session.post(self._base + "/events", json=body, timeout=self.timeout)
        except requests.RequestException as exc:
            return self._fail(f"server unreachable: {type(exc).__name__}")
        if res.status_code == 200:
            self.spool.ack([e.seq for e in batch])
            self.backoff, self.last_error = 0.0, None
            self.delivered += len(batch)
            return len(batch)
        detail = _error(res)
        if res.status_code == 413 and self.batch_max > 1:
            self.batch_max = max(1, self.batch_max // 2)
            return 0
        if res.status_code == 422:
            idx = event_index(detail.get("path"))
            if idx is not None and idx < len(batch):
                bad = batch[idx]
                log.error("server refused event seq=%d (%s); kept aside in the spool's dead letters", bad.seq, detail)
                self.spool.quarantine(bad.seq, f"{detail.get('error')}: {detail.get('detail')}")
                return 0
        return self._fail(f"HTTP {res.status_code}: {detail}")

    def _fail(self, why: str) -> int:
        self.backoff = BACKOFF_START if self.backoff == 0 else min(self.backoff_max, self.backoff * 2)
        if why != self.last_error:
            log.warning("push to %s failed: %s (retry in %.0f s; %d events kept)", self.server, why, self.backoff, self.spool.depth())
        self.last_error = why
        return 0

    def heartbeat(self) -> bool:
        h = self.health
        body = Heartbeat(fps=round(h.fps, 2), dropped_frames=h.dropped_frames, spool_depth=self.spool.depth(),
                         dead_letters=self.spool.dead_letters(), version=__version__, frame_lag_ms=round(h.frame_lag_ms, 1),
                         detect_fps=None if h.detect_fps is None else round(h.detect_fps, 2),
                         detect_stride=h.detect_stride).model_dump(exclude_none=True)
        try:
            return self.session.post(self._base + "/heartbeat", json=body, timeout=self.timeout).status_code == 200
        except requests.RequestException:
            return False

    def fetch_config(self) -> dict:
        res = self.session.get(self._base + "/config", timeout=self.timeout)
        if res.status_code != 200:
            raise RuntimeError(f"camera config from {self.server}: HTTP {res.status_code}: {_error(res)}")
        return dict(res.json())

    def drain(self, deadline: float) -> bool:
        """Push until the spool is empty or the deadline passes (used at shutdown and in tests)."""
        while self.spool.depth() and time.monotonic() < deadline:
            if self.push_once() == 0:
                time.sleep(min(self.backoff or 0.05, max(0.0, deadline - time.monotonic())))
        return self.spool.depth() == 0

    def run(self, stop: threading.Event) -> None:
        """Batch at least every `interval`; retry with backoff 1 s → 30 s while the server is away."""
        next_beat = 0.0
        while not stop.is_set():
            if time.monotonic() >= next_beat:
                self.heartbeat()
                next_beat = time.monotonic() + self.heartbeat_every
            sent = self.push_once()
            if self.backoff:
                stop.wait(self.backoff)
            elif sent < self.batch_max:
                stop.wait(self.interval)

    def start(self) -> tuple[threading.Thread, threading.Event]:
        stop = threading.Event()
        t = threading.Thread(target=self.run, args=(stop,), name=f"push-{self.camera_id}", daemon=True)
        t.start()
        return t, stop


def _error(res: requests.Response) -> dict:
    try:
        body = res.json()
        return body if isinstance(body, dict) else {"detail": str(body)}
    except ValueError:
        return {"detail": res.text[:200]}
