"""Directional line counting with a hysteresis band, plus optional zone occupancy/dwell.

Semantics (explicit and tested, because in/out swaps are a classic bug):

* The line runs p1 -> p2 in image coordinates (y down).  For a point p,
  ``cross = (x2-x1)*(py-y1) - (y2-y1)*(px-x1)``; side "left" <=> cross > 0.
  For a vertical line drawn top -> bottom, "left" is the smaller-x side.
* ``left_to_right`` is a move from the left side to the right side.
* ``in_side``: a crossing INTO that side is kind "in", the opposite "out".
* The anchor point is the box bottom-centre (feet), clamped into the frame.
* A track only changes its committed side after its anchor is beyond the band
  (half-width ``band`` on each side), so jitter on the line never counts
  twice.  Every pass counts: a person who walks back is counted again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import cv2
import numpy as np

Direction = Literal["left_to_right", "right_to_left"]


@dataclass(frozen=True)
class Crossing:
    """One pass over the counting line."""

    frame_index: int  # 0-based index of the frame in the stream
    t: float  # seconds since stream start
    track_id: int
    direction: Direction
    kind: Literal["in", "out"]


@dataclass
class LineConfig:
    """Counting line in normalized coordinates (0..1 of width/height)."""

    p1: tuple[float, float] = (0.5, 0.0)
    p2: tuple[float, float] = (0.5, 1.0)
    in_side: Literal["left", "right"] = "right"
    band_frac: float = 0.08  # hysteresis half-width as a fraction of the person's box height
    band_min_px: float = 2.0
    segment_margin: float = 0.0  # tolerance beyond the drawn end points (fraction): 0 counts exactly the segment drawn

    @staticmethod
    def from_dict(d: dict) -> LineConfig:
        """Accept ``{"p1": [x, y], "p2": [x, y], "in_side": ...}`` (normalized)."""
        cfg = LineConfig()
        for k, v in d.items():
            if k in ("p1", "p2"):
                v = (float(v[0]), float(v[1]))
            setattr(cfg, k, v)
        if cfg.in_side not in ("left", "right"):
            raise ValueError("in_side must be 'left' or 'right'")
        return cfg


def feet_anchor(box: np.ndarray, width: int, height: int) -> tuple[float, float]:
    """Box bottom-centre, clamped into the frame (people walking out at the bottom still count)."""
    x = (float(box[0]) + float(box[2])) / 2
    y = float(box[3])
    return min(max(x, 0.0), width - 1.0), min(max(y, 0.0), height - 1.0)


@dataclass
class _TrackState:
    side: int = 0  # +1 left, -1 right, 0 unknown
    last_pt: tuple[float, float] | None = None
    raw_side: int = 0  # sign of the signed distance at the last observation (no band)
    raw_since: tuple[int, float] | None = None  # (frame_index, t) the anchor first reached raw_side


class LineCounter:
    """Turns per-track anchor positions into Crossing events."""

    def __init__(self, line: LineConfig, width: int, height: int) -> None:
        self.line = line
        self.counts: dict[str, int] = {"left_to_right": 0, "right_to_left": 0, "in": 0, "out": 0}
        self._state: dict[int, _TrackState] = {}
        self.resize(width, height)

    def resize(self, width: int, height: int) -> None:
        """Rescale the pixel line after a resolution change (config stays normalized)."""
        self.width, self.height = width, height
        self.a = np.array([self.line.p1[0] * width, self.line.p1[1] * height])
        self.b = np.array([self.line.p2[0] * width, self.line.p2[1] * height])
        d = self.b - self.a
        self.length = float(np.hypot(*d)) or 1.0

    def signed_distance(self, p: tuple[float, float]) -> float:
        """Positive on the left side, in pixels."""
        (x1, y1), (x2, y2) = self.a, self.b
        cross = (x2 - x1) * (p[1] - y1) - (y2 - y1) * (p[0] - x1)
        return cross / self.length

    def _along(self, p: tuple[float, float]) -> float:
        d = self.b - self.a
        return float(np.dot(np.asarray(p) - self.a, d)) / (self.length**2)

    def update(
        self, track_id: int, box: np.ndarray, frame_index: int, t: float, countable: bool = True
    ) -> Crossing | None:
        """Feed one observed box of a track; returns a Crossing when a pass completes.

        ``countable`` False (e.g. a tentative track) still updates the side so
        a later confirmed pass is judged against where the person came from.
        """
        p = feet_anchor(box, self.width, self.height)
        st = self._state.setdefault(track_id, _TrackState())
        dist = self.signed_distance(p)
        band = max(self.line.band_min_px, self.line.band_frac * float(box[3] - box[1]))
        new_side = 1 if dist > band else (-1 if dist < -band else 0)
        raw = 1 if dist > 0 else -1
        if raw != st.raw_side:
            st.raw_side, st.raw_since = raw, (frame_index, t)
        event = None
        if new_side != 0:
            if st.side != 0 and new_side != st.side and self._on_segment(st.last_pt, p) and countable:
                direction: Direction = "left_to_right" if new_side < 0 else "right_to_left"
                into = "left" if new_side > 0 else "right"
                kind: Literal["in", "out"] = "in" if into == self.line.in_side else "out"
                # The band only decides *whether* a pass happened; the pass happened when the
                # feet reached this side of the line, which may be a few observations earlier.
                f_ev, t_ev = st.raw_since if st.raw_since is not None else (frame_index, t)
                event = Crossing(f_ev, t_ev, track_id, direction, kind)
                self.counts[direction] += 1
                self.counts[kind] += 1
            st.side = new_side
            st.last_pt = p
        elif st.last_pt is None:
            st.last_pt = p
        return event

    def _on_segment(self, p0: tuple[float, float] | None, p1: tuple[float, float]) -> bool:
        """Did the path p0 -> p1 cut the line within its end points (plus margin)?"""
        if p0 is None:
            return True
        d0, d1 = self.signed_distance(p0), self.signed_distance(p1)
        w = d0 / (d0 - d1) if d0 != d1 else 0.5
        w = min(max(w, 0.0), 1.0)
        q = (p0[0] + w * (p1[0] - p0[0]), p0[1] + w * (p1[1] - p0[1]))
        s = self._along(q)
        m = self.line.segment_margin
        return -m <= s <= 1 + m

    def forget(self, live_ids: set[int]) -> None:
        """Drop state of tracks the tracker no longer keeps."""
        for tid in list(self._state):
            if tid not in live_ids:
                del self._state[tid]


@dataclass
class ZoneStats:
    """Occupancy now and dwell times (s) of people who left the zone."""

    occupancy: int = 0
    dwell_s: list[float] = field(default_factory=list)


class ZoneCounter:
    """Occupancy and dwell time inside a normalized polygon (feet anchor inside => present)."""

    def __init__(self, polygon: list[tuple[float, float]], width: int, height: int) -> None:
        self.polygon = [(float(x), float(y)) for x, y in polygon]
        self.stats = ZoneStats()
        self._enter: dict[int, float] = {}
        self._last: dict[int, float] = {}
        self.resize(width, height)

    def resize(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self._poly = np.array([[x * width, y * height] for x, y in self.polygon], np.float32)

    def update(self, boxes: dict[int, np.ndarray], t: float) -> ZoneStats:
        """``boxes``: track id -> box of every live track this step. Publishes zero when empty."""
        inside = set()
        for tid, box in boxes.items():
            p = feet_anchor(box, self.width, self.height)
            if cv2.pointPolygonTest(self._poly, p, False) >= 0:
                inside.add(tid)
                self._enter.setdefault(tid, t)
                self._last[tid] = t
        for tid in list(self._enter):
            if tid not in inside:
                self.stats.dwell_s.append(self._last[tid] - self._enter.pop(tid))
                self._last.pop(tid, None)
        self.stats.occupancy = len(inside)
        return self.stats
