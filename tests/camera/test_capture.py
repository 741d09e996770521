"""Frame sources: file pacing, newest-frame-only live reading, reconnect with backoff, size change."""

from __future__ import annotations

import socket
import subprocess
import time

import cv2
import numpy as np
import pytest

from camera.capture import FileSource, LiveSource, is_live, open_source


def test_is_live_and_open_source_dispatch(synthetic_clip):
    assert is_live("rtsp://cam/1") and is_live("http://x/y.mjpg") and is_live(0) and is_live("2")
    assert not is_live("/videos/a.mp4")
    src = open_source(str(synthetic_clip[0]))
    assert isinstance(src, FileSource)
    src.close()


def test_file_source_reads_every_frame_in_order(synthetic_clip):
    src = FileSource(synthetic_clip[0])
    frames = []
    while (fr := src.read()) is not None:
        frames.append((fr.index, fr.t))
    assert len(frames) == 160 and frames[0] == (0, 0.0) and frames[-1][0] == 159
    assert frames[10][1] == pytest.approx(1.0)
    assert not src.alive


def test_file_source_realtime_pacing(synthetic_clip):
    src = FileSource(synthetic_clip[0], realtime=True)
    t0 = time.monotonic()
    for _ in range(6):
        src.read()
    assert time.monotonic() - t0 >= 0.45  # 5 frame intervals at 10 fps
    src.close()


class FakeCap:
    """Scripted capture: yields ``n`` frames of ``size`` then fails (or never opens when n < 0)."""

    def __init__(self, n: int, size=(64, 48), delay: float = 0.0) -> None:
        self.n, self.size, self.delay = n, size, delay

    def isOpened(self) -> bool:
        return self.n >= 0

    def get(self, prop) -> float:
        return 10.0

    def read(self):
        if self.n <= 0:
            return False, None
        self.n -= 1
        time.sleep(self.delay)
        return True, np.zeros((self.size[1], self.size[0], 3), np.uint8)

    def release(self) -> None:
        pass


def test_backoff_doubles_to_cap_and_resets_after_frames():
    script = [FakeCap(-1), FakeCap(-1), FakeCap(-1), FakeCap(3), FakeCap(-1)] + [FakeCap(-1)] * 50
    calls = iter(script)
    src = LiveSource("fake://", backoff_start=0.01, backoff_max=0.04, opener=lambda t, ms: next(calls))
    time.sleep(0.5)
    src.close()
    h = src.backoff_history
    assert h[:3] == pytest.approx([0.01, 0.02, 0.04])
    assert h[3] == pytest.approx(0.01)  # the stream delivered frames: reset
    assert max(h) == pytest.approx(0.04)  # capped


def test_live_source_keeps_only_newest_frame_and_counts_drops():
    src = LiveSource("fake://", opener=lambda t, ms: FakeCap(50, delay=0.002), backoff_start=5.0)
    deadline = time.monotonic() + 10.0  # consumer is slow: let the reader receive all 50 frames
    while src.stats.received < 50 and time.monotonic() < deadline:
        time.sleep(0.01)
    fr = src.read(timeout=1.0)
    src.close()
    assert fr is not None and fr.index == 0
    assert src.stats.received == 50 and src.stats.dropped == 49


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve_mjpeg(ffmpeg: str, port: int, size: str, seconds: float) -> subprocess.Popen:
    return subprocess.Popen(
        [ffmpeg, "-loglevel", "error", "-re", "-f", "lavfi", "-i", f"testsrc=size={size}:rate=15",
         "-t", str(seconds), "-f", "mpjpeg", "-listen", "1", f"http://127.0.0.1:{port}/cam.mjpg"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def test_http_mjpeg_reconnects_after_outage_and_resolution_change(ffmpeg):
    if "ffmpeg" not in cv2.getBuildInformation().lower():
        pytest.skip("this OpenCV build has no FFMPEG backend")
    port = _free_port()
    server = _serve_mjpeg(ffmpeg, port, "320x240", 4)
    time.sleep(0.5)
    src = LiveSource(f"http://127.0.0.1:{port}/cam.mjpg", io_timeout_s=3.0)
    sizes = set()
    try:
        deadline = time.monotonic() + 10.0  # ffmpeg may not listen yet: 1 s, 2 s, 4 s retries
        while time.monotonic() < deadline and not sizes:
            fr = src.read(timeout=0.5)
            if fr is not None:
                sizes.add(fr.size)
        assert sizes == {(320, 240)}
        server.wait(timeout=10)  # stream ends: outage
        time.sleep(1.5)
        server = _serve_mjpeg(ffmpeg, port, "480x360", 30)  # comes back at another resolution
        deadline = time.monotonic() + 15.0
        while time.monotonic() < deadline and (480, 360) not in sizes:
            fr = src.read(timeout=0.5)
            if fr is not None:
                sizes.add(fr.size)
        assert (480, 360) in sizes, src.stats
        assert src.stats.reconnects >= 1
        n0 = src.stats.received
        time.sleep(0.5)
        assert src.stats.received > n0  # frames keep coming
    finally:
        src.close()
        server.kill()
        server.wait()
