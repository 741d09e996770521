"""Multi-object tracker: constant-velocity Kalman filter + ByteTrack-style two-stage matching.

Why our own (about 200 lines) instead of a library: the ByteTrack reference
code depends on lap/cython_bbox and works in frame counts; we need time-based
ages (the detector runs at a stride, the source fps varies) and an
association gate that still works when a small, fast person's boxes do not
overlap between two detector runs (IoU alone fails there, so the cost mixes
IoU with a size-normalised centre distance).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from camera.detect.base import Detections


@dataclass
class TrackerConfig:
    """Thresholds are per detector score scale; ages are in seconds (fps-independent)."""

    high_score: float = 0.5  # first-stage detections; also needed to start a track
    low_score: float = 0.15  # second stage recovers occluded people with weak scores
    new_track_score: float = 0.5
    match_cost: float = 0.8  # gate on the mixed cost (1 - IoU, centre distance)
    low_match_cost: float = 0.6
    max_lost_s: float = 1.5  # keep a lost track this long for re-association
    min_hits: int = 2  # detections before a track is confirmed
    max_center_dist: float = 1.0  # in box heights, gate for the distance term


class KalmanBox:
    """Constant-velocity Kalman filter on (cx, cy, w, h) with variable dt."""

    def __init__(self, box: np.ndarray) -> None:
        cx, cy, w, h = _xyxy_to_cxcywh(box)
        self.x = np.array([cx, cy, w, h, 0, 0, 0, 0], np.float64)
        s = max(h, 1.0)
        self.P = np.diag([0.1 * s, 0.1 * s, 0.1 * s, 0.1 * s, 2 * s, 2 * s, 0.5 * s, 0.5 * s]) ** 2

    def predict(self, dt: float) -> None:
        """Advance the state by dt seconds; process noise grows with box size."""
        F = np.eye(8)
        F[:4, 4:] = np.eye(4) * dt
        s = max(self.x[3], 1.0)
        q_pos = (0.05 * s) ** 2 * dt
        q_vel = (0.6 * s) ** 2 * dt  # people change speed/direction within ~1 s
        Q = np.diag([q_pos, q_pos, q_pos, q_pos, q_vel, q_vel, q_vel * 0.1, q_vel * 0.1])
        self.x = F @ self.x
        self.x[2:4] = np.maximum(self.x[2:4], 1.0)
        self.P = F @ self.P @ F.T + Q

    def update(self, box: np.ndarray) -> None:
        """Fuse a measured box."""
        z = np.array(_xyxy_to_cxcywh(box))
        s = max(z[3], 1.0)
        R = np.diag([0.05 * s, 0.05 * s, 0.1 * s, 0.1 * s]) ** 2
        H = np.zeros((4, 8))
        H[:, :4] = np.eye(4)
        S = H @ self.P @ H.T + R
        K = self.P @ H.T @ np.linalg.inv(S)
        self.x = self.x + K @ (z - H @ self.x)
        self.P = (np.eye(8) - K @ H) @ self.P

    @property
    def box(self) -> np.ndarray:
        cx, cy, w, h = self.x[:4]
        return np.array([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], np.float32)


def _xyxy_to_cxcywh(b: np.ndarray) -> tuple[float, float, float, float]:
    x1, y1, x2, y2 = (float(v) for v in b)
    return (x1 + x2) / 2, (y1 + y2) / 2, max(x2 - x1, 1.0), max(y2 - y1, 1.0)


@dataclass
class Track:
    """One tracked person; ``box`` is the last matched detection (what the counter sees)."""

    track_id: int
    kf: KalmanBox
    box: np.ndarray
    score: float
    t_last: float
    t_first: float
    hits: int = 1
    confirmed: bool = False
    matched: bool = True  # matched in the latest update
    history: list[tuple[float, np.ndarray]] = field(default_factory=list)


def iou_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairwise IoU of xyxy boxes."""
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)), np.float32)
    x1 = np.maximum(a[:, None, 0], b[None, :, 0])
    y1 = np.maximum(a[:, None, 1], b[None, :, 1])
    x2 = np.minimum(a[:, None, 2], b[None, :, 2])
    y2 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    aa = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    bb = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return inter / np.maximum(aa[:, None] + bb[None, :] - inter, 1e-6)


class ByteTracker:
    """Two-stage (high, then low score) association of detections to Kalman-predicted tracks."""

    def __init__(self, config: TrackerConfig | None = None) -> None:
        self.cfg = config or TrackerConfig()
        self.tracks: list[Track] = []
        self._next_id = 1
        self._t: float | None = None

    def _cost(self, tracks: list[Track], boxes: np.ndarray) -> np.ndarray:
        """1 - IoU blended with centre distance in units of the predicted box height."""
        if not tracks or len(boxes) == 0:
            return np.zeros((len(tracks), len(boxes)))
        pred = np.stack([t.kf.box for t in tracks])
        iou = iou_matrix(pred, boxes)
        pc = (pred[:, :2] + pred[:, 2:]) / 2
        bc = (boxes[:, :2] + boxes[:, 2:]) / 2
        ph = np.maximum(pred[:, 3] - pred[:, 1], 1.0)
        bh = np.maximum(boxes[:, 3] - boxes[:, 1], 1.0)
        dist = np.linalg.norm(pc[:, None, :] - bc[None, :, :], axis=2) / ph[:, None]
        size = np.abs(np.log(bh[None, :] / ph[:, None]))
        dist_cost = dist / self.cfg.max_center_dist + 0.5 * size
        return np.minimum(1.0 - iou, dist_cost)

    def _assign(self, tracks: list[Track], boxes: np.ndarray, gate: float) -> list[tuple[int, int]]:
        cost = self._cost(tracks, boxes)
        if cost.size == 0:
            return []
        r, c = linear_sum_assignment(cost)
        return [(i, j) for i, j in zip(r, c, strict=False) if cost[i, j] <= gate]

    def update(self, dets: Detections, t: float) -> list[Track]:
        """Advance all tracks to time ``t`` (seconds) and associate ``dets``; returns live tracks."""
        cfg = self.cfg
        dt = 0.0 if self._t is None else max(t - self._t, 0.0)
        self._t = t
        for tr in self.tracks:
            tr.kf.predict(dt)
            tr.matched = False
        hi = dets.scores >= cfg.high_score
        lo = (~hi) & (dets.scores >= cfg.low_score)
        hi_idx, lo_idx = np.flatnonzero(hi), np.flatnonzero(lo)
        # Stage 1: high-score detections against all tracks (confirmed first, via cost).
        pool = list(self.tracks)
        pairs = self._assign(pool, dets.xyxy[hi_idx], cfg.match_cost)
        used_tracks, used_hi = set(), set()
        for i, j in pairs:
            self._apply(pool[i], dets.xyxy[hi_idx[j]], float(dets.scores[hi_idx[j]]), t)
            used_tracks.add(id(pool[i]))
            used_hi.add(j)
        # Stage 2: low-score detections only against still-unmatched confirmed tracks.
        rest = [tr for tr in self.tracks if id(tr) not in used_tracks and tr.confirmed]
        for i, j in self._assign(rest, dets.xyxy[lo_idx], cfg.low_match_cost):
            self._apply(rest[i], dets.xyxy[lo_idx[j]], float(dets.scores[lo_idx[j]]), t)
        # New tracks from unmatched confident detections.
        for j in range(len(hi_idx)):
            if j in used_hi or dets.scores[hi_idx[j]] < cfg.new_track_score:
                continue
            box = dets.xyxy[hi_idx[j]]
            tr = Track(self._next_id, KalmanBox(box), box.copy(), float(dets.scores[hi_idx[j]]), t, t)
            tr.confirmed = cfg.min_hits <= 1
            self._next_id += 1
            self.tracks.append(tr)
        # Forget tracks lost for too long; unconfirmed tracks die at their first miss.
        self.tracks = [
            tr
            for tr in self.tracks
            if tr.matched or (tr.confirmed and t - tr.t_last <= cfg.max_lost_s)
        ]
        return self.tracks

    def _apply(self, tr: Track, box: np.ndarray, score: float, t: float) -> None:
        tr.kf.update(box)
        tr.box = box.copy()
        tr.score = score
        tr.t_last = t
        tr.hits += 1
        tr.matched = True
        if tr.hits >= self.cfg.min_hits:
            tr.confirmed = True
