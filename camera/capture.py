"""Frame sources: video files (optionally paced in real time) and live cameras.

Live sources (rtsp://, http(s):// MJPEG, device index) are read by a thread
that keeps only the newest frame: a slow consumer never processes stale
video, and every frame it skips is counted in ``stats.dropped``.  When the
stream fails the thread reconnects with exponential backoff (1 s doubling to
30 s, reset after a frame arrives).  The frame size may change after a
reconnect; each Frame carries its own image, and the Pipeline rescales its
normalized counting line when it sees a new size.

Usage for ``camera run``::

    src = open_source("rtsp://cam/stream")        # or a path, or 0
    while (fr := src.read(timeout=5.0)) is not None or src.alive:
        if fr: events = pipe.process(fr.image, fr.index, fr.t)
    src.close()
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

LIVE_SCHEMES = ("rtsp://", "rtsps://", "http://", "https://", "rtmp://", "udp://", "tcp://")
BACKOFF_START_S = 1.0
BACKOFF_MAX_S = 30.0


@dataclass
class Frame:
    """A decoded BGR frame; ``index`` counts frames delivered, ``t`` is seconds in the stream."""

    image: np.ndarray
    index: int
    t: float
    wall: float = field(default_factory=time.time)

    @property
    def size(self) -> tuple[int, int]:
        """(width, height)."""
        return self.image.shape[1], self.image.shape[0]


@dataclass
class CaptureStats:
    """Counters for health reporting."""

    received: int = 0  # frames decoded by the source
    delivered: int = 0  # frames handed to the consumer
    dropped: int = 0  # frames replaced by a newer one before being read
    reconnects: int = 0
    last_error: str = ""
    size: tuple[int, int] = (0, 0)


class FrameSource(Protocol):
    """What the pipeline driver needs from any source."""

    fps: float
    stats: CaptureStats

    @property
    def alive(self) -> bool: ...

    def read(self, timeout: float | None = None) -> Frame | None: ...

    def close(self) -> None: ...


class FileSource:
    """Frame-by-frame file reader; ``realtime`` sleeps to play at the file's fps."""

    def __init__(self, path: str | Path, realtime: bool = False) -> None:
        self.path = str(path)
        self.cap = cv2.VideoCapture(self.path)
        if not self.cap.isOpened():
            raise FileNotFoundError(f"cannot open video file {self.path}")
        self.fps = float(self.cap.get(cv2.CAP_PROP_FPS)) or 25.0
        self.realtime = realtime
        self.stats = CaptureStats()
        self._index = 0
        self._start: float | None = None
        self._done = False

    @property
    def alive(self) -> bool:
        return not self._done

    def read(self, timeout: float | None = None) -> Frame | None:
        """Next frame, or None at the end of the file."""
        if self._done:
            return None
        ok, img = self.cap.read()
        if not ok:
            self._done = True
            return None
        t = self._index / self.fps
        if self.realtime:
            if self._start is None:
                self._start = time.monotonic()
            delay = self._start + t - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        fr = Frame(img, self._index, t)
        self._index += 1
        self.stats.received += 1
        self.stats.delivered += 1
        self.stats.size = fr.size
        return fr

    def close(self) -> None:
        self._done = True
        self.cap.release()


def _open_capture(target: str | int, timeout_ms: int) -> cv2.VideoCapture:
    if isinstance(target, int):
        return cv2.VideoCapture(target)
    params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, timeout_ms, cv2.CAP_PROP_READ_TIMEOUT_MSEC, timeout_ms]
    return cv2.VideoCapture(target, cv2.CAP_FFMPEG, params)


class LiveSource:
    """Threaded reader of a live stream that always hands out the newest frame."""

    def __init__(
        self,
        target: str | int,
        backoff_start: float = BACKOFF_START_S,
        backoff_max: float = BACKOFF_MAX_S,
        io_timeout_s: float = 5.0,
        opener=_open_capture,
    ) -> None:
        self.target = target
        self.backoff_start = backoff_start
        self.backoff_max = backoff_max
        self.io_timeout_ms = int(io_timeout_s * 1000)
        self._opener = opener
        self.fps = 0.0
        self.stats = CaptureStats()
        self._cond = threading.Condition()
        self._latest: np.ndarray | None = None
        self._latest_t = 0.0
        self._fresh = False
        self._stop = threading.Event()
        self._t0 = time.monotonic()
        self._index = 0
        self.backoff_history: list[float] = []
        self._thread = threading.Thread(target=self._run, name=f"capture:{target}", daemon=True)
        self._thread.start()

    @property
    def alive(self) -> bool:
        """Live sources never end by themselves; only close() stops them."""
        return not self._stop.is_set()

    def _run(self) -> None:
        backoff = self.backoff_start
        while not self._stop.is_set():
            cap = self._opener(self.target, self.io_timeout_ms)
            got = 0
            if cap is not None and cap.isOpened():
                fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
                if 0 < fps < 200:
                    self.fps = fps
                while not self._stop.is_set():
                    ok, img = cap.read()
                    if not ok or img is None:
                        self.stats.last_error = "read failed / stream ended"
                        break
                    got += 1
                    self._publish(img)
                    backoff = self.backoff_start  # healthy again
            else:
                self.stats.last_error = "open failed"
            if cap is not None:
                cap.release()
            if self._stop.is_set():
                break
            self.stats.reconnects += 1
            self.backoff_history.append(backoff)
            self._stop.wait(backoff)
            backoff = min(backoff * 2, self.backoff_max) if got == 0 else self.backoff_start

    def _publish(self, img: np.ndarray) -> None:
        with self._cond:
            if self._fresh:
                self.stats.dropped += 1  # consumer never saw the previous one
            self._latest = img
            self._latest_t = time.monotonic() - self._t0
            self._fresh = True
            self.stats.received += 1
            self.stats.size = (img.shape[1], img.shape[0])
            self._cond.notify_all()

    def read(self, timeout: float | None = None) -> Frame | None:
        """Newest frame not yet delivered; None if none arrives within ``timeout`` seconds."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._fresh or self._stop.is_set(), timeout):
                return None
            if not self._fresh:
                return None
            img, t = self._latest, self._latest_t
            self._fresh = False
        fr = Frame(img, self._index, t)
        self._index += 1
        self.stats.delivered += 1
        return fr

    def close(self) -> None:
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        self._thread.join(timeout=self.io_timeout_ms / 1000 + 2)


def is_live(spec: str | int) -> bool:
    """Device indices and network URLs are live; anything else is a file path."""
    if isinstance(spec, int):
        return True
    return spec.isdigit() or spec.lower().startswith(LIVE_SCHEMES)


def open_source(spec: str | int, realtime: bool = False, **live_opts) -> FileSource | LiveSource:
    """Open a file (``realtime`` paces it) or a live source (device index or URL)."""
    if isinstance(spec, str) and spec.isdigit():
        spec = int(spec)
    if is_live(spec):
        return LiveSource(spec, **live_opts)
    return FileSource(spec, realtime=realtime)
