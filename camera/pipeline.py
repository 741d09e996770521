"""Detector + tracker + line counter composed into one per-frame object.

Public, stable API (used by ``camera run``)::

    pipe = build_pipeline(camera_cfg, width, height, fps)
    events: list[Crossing] = pipe.process(frame, frame_index, t)

``camera_cfg`` (all keys optional)::

    {"line": {"p1": [x, y], "p2": [x, y], "in_side": "left"|"right"},   # normalized
     "zone": [[x, y], ...],                                             # normalized polygon
     "detector": {"name": "openvino", ...options},
     "tracker": {...TrackerConfig fields},
     "stride": "auto" | N,                                              # detector every N-th frame
     "cpu_share": 1.0}                                                  # share of a core this camera may use

Defaults depend only on resolution, frame rate and line geometry, never on
which video it is.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from camera.count import Crossing, LineConfig, LineCounter, ZoneCounter, ZoneStats
from camera.detect import Detections, Detector, make_detector
from camera.stride import StrideController
from camera.track import ByteTracker, TrackerConfig


def default_config(width: int, height: int, fps: float, line: dict | None = None) -> dict[str, Any]:
    """Defaults chosen from geometry and frame rate only.

    * person-detection-0201 through OpenVINO with the input at the frame's aspect (see
      ``camera.detect.ov_person.input_shape``), on every frame unless the measured cost does not fit
      (``camera.stride``).
    * Tracker ages are in seconds and gates in box heights, so they hold at any fps and resolution.
    """
    line = line or {"p1": [0.5, 0.0], "p2": [0.5, 1.0], "in_side": "right"}
    return {
        "line": line,
        "zone": None,
        "detector": {"name": "openvino"},
        "tracker": {},
        "stride": "auto",
        "cpu_share": 1.0,
    }


def _merge(base: dict, over: dict | None) -> dict:
    out = copy.deepcopy(base)
    for k, v in (over or {}).items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


@dataclass
class Pipeline:
    """Runs the detector every ``stride`` frames, tracks, counts; one object per camera."""

    detector: Detector
    tracker: ByteTracker
    counter: LineCounter
    stride_ctl: StrideController = field(default_factory=lambda: StrideController(0.0, fixed=1))
    zone: ZoneCounter | None = None
    width: int = 0
    height: int = 0
    last_detections: Detections = field(default_factory=Detections)
    last_tracks: list = field(default_factory=list)  # live tracks after the latest detector pass
    detect_seconds: float = 0.0  # wall time of the latest detector pass (the installer view shows it)
    _since: int = 0  # frames since the latest detector pass

    @property
    def stride(self) -> int:
        """Detector runs every ``stride``-th frame (1 = every frame)."""
        return self.stride_ctl.stride

    @property
    def detect_fps(self) -> float:
        return self.stride_ctl.detect_fps

    def process(self, frame: np.ndarray, frame_index: int, t: float) -> list[Crossing]:
        """Feed one decoded BGR frame; returns crossings completed on it (usually none)."""
        h, w = frame.shape[:2]
        if (w, h) != (self.width, self.height):
            self._resize(w, h)
        started = self.stride_ctl.frame_started()
        run = self._since == 0 or self._since >= self.stride
        if not run:
            self._since += 1
            self.stride_ctl.frame_done(started, detected=False)
            return []
        self._since = 1
        t0 = time.perf_counter()
        dets = self.detector.detect(frame)
        self.detect_seconds = time.perf_counter() - t0
        self.last_detections = dets
        tracks = self.tracker.update(dets, t)
        events = []
        live = {}
        for tr in tracks:
            live[tr.track_id] = tr.box
            if not tr.matched:
                continue
            ev = self.counter.update(tr.track_id, tr.box, frame_index, t, countable=tr.confirmed)
            if ev is not None:
                events.append(ev)
        self.counter.forget(set(live))
        self.last_tracks = list(tracks)
        if self.zone is not None:
            self.zone.update({tid: b for tid, b in live.items()}, t)
        self.stride_ctl.frame_done(started, detected=True)
        return events

    @property
    def counts(self) -> dict[str, int]:
        """Running totals: left_to_right, right_to_left, in, out."""
        return dict(self.counter.counts)

    @property
    def zone_stats(self) -> ZoneStats | None:
        return self.zone.stats if self.zone else None

    def _resize(self, w: int, h: int) -> None:
        """Resolution changed (e.g. after reconnect): rescale line/zone, restart tracks."""
        if self.width and self.height:
            self.tracker = ByteTracker(self.tracker.cfg)
            self.counter.forget(set())
        self.width, self.height = w, h
        self.counter.resize(w, h)
        if self.zone:
            self.zone.resize(w, h)


def build_pipeline(camera_cfg: dict | None, width: int, height: int, fps: float) -> Pipeline:
    """Build the default pipeline, overridden by ``camera_cfg`` (see module docstring)."""
    cfg = _merge(default_config(width, height, fps, (camera_cfg or {}).get("line")), camera_cfg)
    user_det = (camera_cfg or {}).get("detector") or {}
    if user_det.get("name", "openvino") != "openvino":
        cfg["detector"] = dict(user_det)  # defaults are OpenVINO options; do not leak them
    det_opts = dict(cfg["detector"])
    name = det_opts.pop("name")
    detector = make_detector(name, **det_opts)
    tracker = ByteTracker(TrackerConfig(**cfg["tracker"]))
    counter = LineCounter(LineConfig.from_dict(cfg["line"]), width, height)
    zone = ZoneCounter(cfg["zone"], width, height) if cfg.get("zone") else None
    stride = cfg.get("stride", "auto")
    fixed = None if stride in (None, "auto") else int(stride)
    ctl = StrideController(float(fps), float(cfg.get("cpu_share") or 1.0), fixed=fixed)
    return Pipeline(detector, tracker, counter, ctl, zone, width, height)
