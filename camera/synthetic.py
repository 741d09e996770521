"""Synthetic people-crossing scenes with exact truth, for tests.

A scene is a textured background (ground, shop-front blocks) with drawn
people (head, coloured textured torso, swinging legs and arms) moving along
scripted paths.  The default script covers the cases counting must get
right: walkers at different speeds in both directions, two people passing
each other on the line, someone lingering and jittering on the line, a
person who turns back (re-crossing), and a global lighting change.

Truth follows the counts.json rules with one explicit addition: a side
change only counts once the feet are clearly (>= ``truth_band_frac`` of the
person's height) on the new side, so the lingering person's few-pixel
jitter is one pass, not many.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np


@dataclass
class Walker:
    """A person following piecewise-linear waypoints ``(t_seconds, x_norm, y_norm_feet)``."""

    pid: int
    waypoints: list[tuple[float, float, float]]
    height: float = 0.3  # fraction of frame height
    shirt: tuple[int, int, int] = (40, 40, 200)
    trousers: tuple[int, int, int] = (60, 40, 30)
    jitter_px: float = 0.0  # sinusoidal x jitter amplitude (lingering on the line)

    def state(self, t: float) -> tuple[float, float] | None:
        """Feet position (normalized) at time t, or None when not in the scene."""
        ts = [w[0] for w in self.waypoints]
        if t < ts[0] or t > ts[-1]:
            return None
        x = float(np.interp(t, ts, [w[1] for w in self.waypoints]))
        y = float(np.interp(t, ts, [w[2] for w in self.waypoints]))
        return x, y


@dataclass
class Scene:
    """Renderable scene plus its truth."""

    width: int = 640
    height: int = 480
    fps: float = 10.0
    seconds: float = 16.0
    walkers: list[Walker] = field(default_factory=list)
    light_change: tuple[float, float, float] | None = (8.0, 0.7, 1.0)  # (t, gain, ramp seconds)
    seed: int = 1
    truth_band_frac: float = 0.05

    def __post_init__(self) -> None:
        self._bg = _background(self.width, self.height, self.seed)

    @property
    def n_frames(self) -> int:
        return round(self.seconds * self.fps)

    def boxes(self, k: int) -> dict[int, np.ndarray]:
        """Exact person boxes (xyxy pixels) in frame k; boxes may extend past the frame."""
        t = k / self.fps
        out = {}
        for w in self.walkers:
            st = w.state(t)
            if st is None:
                continue
            x, y = st
            px = x * self.width + w.jitter_px * np.sin(2 * np.pi * 1.5 * t)
            py = y * self.height
            h = w.height * self.height
            out[w.pid] = np.array([px - 0.2 * h, py - h, px + 0.2 * h, py], np.float32)
        return out

    def render(self, k: int) -> np.ndarray:
        """BGR frame k."""
        t = k / self.fps
        img = self._bg.copy()
        boxes = self.boxes(k)
        # Far (smaller y) people first so nearer ones occlude them.
        for w in sorted(self.walkers, key=lambda w: boxes[w.pid][3] if w.pid in boxes else 0):
            if w.pid in boxes:
                _draw_person(img, boxes[w.pid], w, t)
        if self.light_change is not None:
            t0, gain, ramp = self.light_change
            g = 1.0 + (gain - 1.0) * float(np.clip((t - t0) / max(ramp, 1e-6), 0, 1))
            if g != 1.0:
                img = cv2.convertScaleAbs(img, alpha=g)
        return img

    def crossings(self, line: tuple[float, float, float, float]) -> list[dict]:
        """Truth events for a pixel line (x1, y1, x2, y2); frames 1-based like counts.json."""
        x1, y1, x2, y2 = line
        length = float(np.hypot(x2 - x1, y2 - y1))
        side: dict[int, int] = {}
        events = []
        for k in range(self.n_frames):
            for pid, b in self.boxes(k).items():
                px = min(max((b[0] + b[2]) / 2, 0), self.width - 1)
                py = min(max(b[3], 0), self.height - 1)
                d = ((x2 - x1) * (py - y1) - (y2 - y1) * (px - x1)) / length
                band = self.truth_band_frac * (b[3] - b[1])
                s = 1 if d > band else (-1 if d < -band else 0)
                if s == 0:
                    continue
                if pid in side and side[pid] != s:
                    direction = "left_to_right" if s < 0 else "right_to_left"
                    events.append({"frame": k + 1, "track_id": pid, "direction": direction})
                side[pid] = s
        return events

    def counts_json(self, line: tuple[float, float, float, float], name: str = "synthetic") -> dict:
        """Truth in the counts.json layout read by camera.evaluate."""
        events = self.crossings(line)
        raw = {d: sum(1 for e in events if e["direction"] == d) for d in ("right_to_left", "left_to_right")}
        return {
            "sequence": name,
            "fps": self.fps,
            "image_size": [self.width, self.height],
            "counting_line": {
                "x1": line[0], "y1": line[1], "x2": line[2], "y2": line[3],
                "point": "box bottom-centre (feet)",
                "directions": ["right_to_left", "left_to_right"],
            },
            "whole_sequence": {
                "frames": [1, self.n_frames],
                "crossings": {"raw": raw, "events": events},
            },
        }

    def write(self, out_dir: str | Path, line: tuple[float, float, float, float] | None = None,
              name: str = "synthetic") -> tuple[Path, Path]:
        """Write ``name.avi`` (MJPEG, decodable everywhere) and ``counts.json``; returns both paths."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        line = line or (self.width / 2, 0.0, self.width / 2, float(self.height))
        video = out / f"{name}.avi"
        vw = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), self.fps, (self.width, self.height))
        for k in range(self.n_frames):
            vw.write(self.render(k))
        vw.release()
        truth = out / "counts.json"
        truth.write_text(json.dumps(self.counts_json(line, name), indent=1))
        return video, truth


def _background(w: int, h: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    img = np.zeros((h, w, 3), np.uint8)
    img[:] = (120, 125, 128)
    horizon = int(h * 0.3)
    # shop fronts
    x = 0
    while x < w:
        bw = int(rng.integers(w // 10, w // 4))
        col = tuple(int(c) for c in rng.integers(60, 200, 3))
        cv2.rectangle(img, (x, 0), (x + bw, horizon), col, -1)
        cv2.rectangle(img, (x + bw // 6, horizon // 3), (x + bw - bw // 6, horizon - 4), (200, 190, 150), -1)
        x += bw
    # paving texture
    noise = rng.normal(0, 8, (h - horizon, w, 1)).astype(np.int16)
    ground = img[horizon:].astype(np.int16) + noise
    img[horizon:] = np.clip(ground, 0, 255).astype(np.uint8)
    for yy in range(horizon, h, max(h // 24, 4)):
        cv2.line(img, (0, yy), (w, yy), (105, 110, 112), 1)
    return cv2.GaussianBlur(img, (3, 3), 0)


def _draw_person(img: np.ndarray, box: np.ndarray, w: Walker, t: float) -> None:
    x1, y1, x2, y2 = (float(v) for v in box)
    h = y2 - y1
    cx = (x1 + x2) / 2
    phase = np.sin(2 * np.pi * 1.8 * t + w.pid)
    skin = (140, 170, 210)
    head_r = max(int(h * 0.07), 2)
    hy = y1 + head_r
    cv2.circle(img, (int(cx), int(hy)), head_r, skin, -1, cv2.LINE_AA)
    cv2.circle(img, (int(cx), int(hy - head_r * 0.4)), int(head_r * 0.9), (30, 30, 40), -1, cv2.LINE_AA)
    cv2.circle(img, (int(cx), int(hy + head_r * 0.2)), int(head_r * 0.75), skin, -1, cv2.LINE_AA)
    tw = h * 0.28
    top, hip = y1 + 2 * head_r + h * 0.02, y1 + h * 0.55
    body = np.array([[cx - tw / 2, top], [cx + tw / 2, top], [cx + tw * 0.42, hip], [cx - tw * 0.42, hip]], np.int32)
    cv2.fillConvexPoly(img, body, w.shirt, cv2.LINE_AA)
    stripe = tuple(int(c * 0.6) for c in w.shirt)
    for k in range(3):
        yy = int(top + (hip - top) * (0.25 + 0.25 * k))
        cv2.line(img, (int(cx - tw * 0.45), yy), (int(cx + tw * 0.45), yy), stripe, max(1, int(h * 0.015)))
    lw = max(int(h * 0.09), 2)
    for sgn in (-1, 1):
        foot_x = cx + sgn * phase * h * 0.12
        cv2.line(img, (int(cx + sgn * tw * 0.2), int(hip)), (int(foot_x), int(y2 - lw / 2)), w.trousers, lw, cv2.LINE_AA)
        cv2.line(img, (int(foot_x), int(y2 - lw / 2)), (int(foot_x + h * 0.04), int(y2 - lw / 2)), (20, 20, 20), lw, cv2.LINE_AA)
        hand_x = cx - sgn * phase * h * 0.1
        cv2.line(img, (int(cx + sgn * tw * 0.5), int(top + h * 0.03)), (int(hand_x + sgn * tw * 0.55), int(y1 + h * 0.5)),
                 w.shirt, max(int(h * 0.05), 1), cv2.LINE_AA)


def default_scene(width: int = 640, height: int = 480, fps: float = 10.0) -> Scene:
    """The standard test script (line: vertical through the centre)."""
    walkers = [
        Walker(1, [(0.0, 0.05, 0.70), (6.0, 0.95, 0.72)], 0.36, (40, 40, 200), (60, 40, 30)),  # normal L->R
        Walker(2, [(1.0, 0.95, 0.85), (4.0, 0.05, 0.83)], 0.42, (200, 120, 30), (40, 40, 40)),  # fast R->L
        # two people passing each other on the line
        Walker(3, [(6.0, 0.10, 0.62), (11.0, 0.90, 0.60)], 0.30, (30, 160, 30), (90, 60, 40)),
        Walker(4, [(6.0, 0.90, 0.80), (11.0, 0.10, 0.82)], 0.38, (180, 60, 160), (30, 30, 60)),
        # lingerer: walks onto the line, jitters there, then continues to the right
        Walker(5, [(3.0, 0.25, 0.95), (5.0, 0.5, 0.95), (8.0, 0.5, 0.95), (10.0, 0.85, 0.95)], 0.40,
               (20, 200, 220), (50, 50, 50), jitter_px=3.0),
        # turns back: crosses L->R then R->L
        Walker(6, [(11.0, 0.15, 0.75), (13.0, 0.70, 0.75), (13.5, 0.70, 0.76), (15.8, 0.10, 0.78)], 0.36,
               (120, 120, 240), (40, 60, 80)),
    ]
    return Scene(width, height, fps, 16.0, walkers)
