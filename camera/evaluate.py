"""Score the default pipeline on videos against counts.json crossing truths.

Matching: a predicted event matches an unmatched truth event of the same
direction within +-1.0 s, greedy in time order.  Frames in reports are
1-based (video frame index + 1), like the truth file.  Missed truth events and
false predicted events are listed with their frames so a person can look at them.
Several clips are pooled by summing matches (tp, fp, fn), not by averaging F1.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2

from camera.pipeline import build_pipeline

TOLERANCE_S = 1.0


@dataclass
class Truth:
    """What evaluate needs from a counts.json."""

    line: dict[str, Any]  # normalized p1/p2 for the pipeline
    directions: list[str]
    events: list[dict[str, Any]]  # {"frame": 1-based, "direction": ...}
    fps: float | None
    image_size: tuple[int, int]


def load_truth(path: str | Path) -> Truth:
    """Read the counting line (pixels -> normalized by image_size) and whole-sequence events."""
    data = json.loads(Path(path).read_text())
    w, h = data["image_size"]
    ln = data["counting_line"]
    line = {
        "p1": [ln["x1"] / w, ln["y1"] / h],
        "p2": [ln["x2"] / w, ln["y2"] / h],
        "in_side": ln.get("in_side", "right"),
    }
    events = [
        {"frame": int(e["frame"]), "direction": e["direction"]}
        for e in data["whole_sequence"]["crossings"]["events"]
    ]
    dirs = list(ln.get("directions", ["left_to_right", "right_to_left"]))
    return Truth(line, dirs, events, data.get("fps"), (int(w), int(h)))


def scores(tp: int, fp: int, fn: int, any_truth: bool = True) -> dict[str, float]:
    """precision, recall, f1 from match counts (no truth and no prediction = perfect)."""
    precision = tp / (tp + fp) if tp + fp else (1.0 if not any_truth else 0.0)
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def match_events(pred: list[dict], truth: list[dict], fps: float, tol_s: float = TOLERANCE_S) -> dict:
    """Greedy time-ordered matching; returns tp/fp/fn, precision/recall/f1, and the missed/false events."""
    used = [False] * len(truth)
    tp = 0
    false: list[dict] = []
    for p in sorted(pred, key=lambda e: e["frame"]):
        best, best_dt = -1, None
        for i, t in enumerate(truth):
            if used[i] or t["direction"] != p["direction"]:
                continue
            dt = abs(t["frame"] - p["frame"]) / fps
            if dt <= tol_s + 1e-9 and (best_dt is None or dt < best_dt):
                best, best_dt = i, dt
        if best >= 0:
            used[best] = True
            tp += 1
        else:
            false.append({"frame": p["frame"], "direction": p["direction"]})
    missed = [{"frame": t["frame"], "direction": t["direction"]} for i, t in enumerate(truth) if not used[i]]
    fp, fn = len(pred) - tp, len(truth) - tp
    return {"tp": tp, "fp": fp, "fn": fn, **scores(tp, fp, fn, bool(truth)), "missed": missed, "false": false}


def evaluate(video: str | Path, truth_path: str | Path, camera_cfg: dict | None = None) -> dict[str, Any]:
    """Run the default pipeline (one thread) over ``video``; timing includes decoding."""
    cv2.setNumThreads(1)
    truth = load_truth(truth_path)
    cap = cv2.VideoCapture(str(video))
    if not cap.isOpened():
        raise FileNotFoundError(f"cannot open video {video}")
    vfps = cap.get(cv2.CAP_PROP_FPS) or truth.fps or 25.0
    if truth.fps:
        vfps = float(truth.fps) if abs(vfps - truth.fps) > 0.5 else vfps
    w = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH))
    h = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    cfg = dict(camera_cfg or {})
    cfg["line"] = dict(truth.line)  # scored against the truth's line, whatever the config says
    pipe = build_pipeline(cfg, w, h, vfps)
    events: list[dict[str, Any]] = []
    n = 0
    t0 = time.perf_counter()
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        for ev in pipe.process(frame, n, n / vfps):
            events.append({"frame": ev.frame_index + 1, "direction": ev.direction, "track_id": ev.track_id})
        n += 1
    elapsed = time.perf_counter() - t0
    cap.release()
    counts = {d: sum(1 for e in events if e["direction"] == d) for d in truth.directions}
    score = match_events(events, truth.events, vfps)
    proc_fps = n / elapsed if elapsed > 0 else 0.0
    return {
        "video": str(video),
        "events": [{"frame": e["frame"], "direction": e["direction"]} for e in events],
        "counts": counts,
        "truth_counts": {d: sum(1 for e in truth.events if e["direction"] == d) for d in truth.directions},
        **score,
        "frames": n,
        "seconds": elapsed,
        "fps": proc_fps,
        "video_fps": vfps,
        "realtime_factor": proc_fps / vfps if vfps else 0.0,
        "width": w,
        "height": h,
        "stride": pipe.stride,
        "detect_fps": pipe.detect_fps,
    }


def pool(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Pooled figures over several clips: summed matches and frames, fps over the summed time."""
    tp, fp, fn = (sum(int(r[k]) for r in results) for k in ("tp", "fp", "fn"))
    frames = sum(int(r["frames"]) for r in results)
    seconds = sum(float(r["seconds"]) for r in results)
    video_s = sum(int(r["frames"]) / float(r["video_fps"]) for r in results if r["video_fps"])
    return {
        "clips": len(results),
        "truth_events": tp + fn,
        "tp": tp, "fp": fp, "fn": fn, **scores(tp, fp, fn, bool(tp + fn)),
        "frames": frames,
        "seconds": seconds,
        "fps": frames / seconds if seconds > 0 else 0.0,
        "realtime_factor": video_s / seconds if seconds > 0 else 0.0,
    }
