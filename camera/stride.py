"""How often to run the detector: every frame when the node can afford it, else a stride from measured cost.

Skipping frames loses crossings (with the same boxes, a ByteTrack + LineZone peer lost about half the
crossings of a 1080p30 clip when fed every 5th frame), so the stride only grows when the measured CPU
cost of a detector pass plus the rest of a frame (decode, tracking) does not fit the frame budget.
Costs are CPU seconds of this process (``time.process_time``), not wall time, so another busy process on
the machine does not make us skip frames we could afford; ``cpu_share`` says how much of a core this
camera may use (0.5 for two cameras on one core).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

HEADROOM = 0.8  # use at most this share of the budget; the rest absorbs jitter and the push thread
WARMUP = 5  # detector passes before the first decision (the first pass compiles the network)
DECIDE_EVERY_S = 2.0  # re-decide at most this often (seconds of video)
MIN_DETECT_HZ = 4.0  # never stride below this rate: walking people then move < 1/3 of a body width


@dataclass
class StrideController:
    """Keeps EMAs of per-detection and per-frame CPU cost and turns them into a stride."""

    fps: float
    cpu_share: float = 1.0
    fixed: int | None = None  # a configured stride disables the controller
    stride: int = 1
    detect_cost: float = 0.0  # CPU s per detector pass (detect + track + count)
    frame_cost: float = 0.0  # CPU s per frame outside the pipeline (decode, capture)
    passes: int = 0
    frames: int = 0
    _last_cpu: float | None = None
    _last_decision: int = 0  # frame count at the last decision
    _alpha: float = 0.1

    def __post_init__(self) -> None:
        if self.fixed:
            self.stride = max(1, int(self.fixed))

    @property
    def max_stride(self) -> int:
        return max(1, math.floor(self.fps / MIN_DETECT_HZ)) if self.fps > 0 else 1

    @property
    def detect_fps(self) -> float:
        return self.fps / self.stride if self.fps > 0 else 0.0

    def _ema(self, old: float, new: float, n: int) -> float:
        return new if n <= 1 else old + self._alpha * (new - old)

    def frame_started(self) -> float:
        """Mark the start of pipeline work on a frame; returns the CPU clock for ``frame_done``."""
        now = time.process_time()
        if self._last_cpu is not None:
            self.frames += 1
            outside = max(0.0, now - self._last_cpu)
            self.frame_cost = self._ema(self.frame_cost, outside, self.frames)
        return now

    def frame_done(self, started: float, detected: bool) -> None:
        """Record the CPU spent on this frame's pipeline work and maybe change the stride."""
        now = time.process_time()
        self._last_cpu = now
        if not detected:
            return
        self.passes += 1
        if self.passes == 1:
            return  # the first pass compiles the network: not a per-frame cost
        self.detect_cost = self._ema(self.detect_cost, now - started, self.passes - 1)
        if self.fixed or self.passes <= WARMUP or self.frames - self._last_decision < DECIDE_EVERY_S * self.fps:
            return
        self._last_decision = self.frames
        self.stride = self.choose()

    def choose(self) -> int:
        """Smallest stride whose mean CPU per frame fits ``HEADROOM`` of the budget (hysteresis on the way down)."""
        if self.fps <= 0:
            return 1
        budget = HEADROOM * self.cpu_share / self.fps
        spare = budget - self.frame_cost
        if spare <= 0:
            return self.max_stride
        need = max(1, math.ceil(self.detect_cost / spare))
        if need < self.stride and self.detect_cost / need > 0.85 * spare:
            need = self.stride  # would only just fit: stay to avoid flapping
        return min(need, self.max_stride)
