"""Camera pipeline benchmark: our default pipeline vs. a typical peer pipeline, one thread.

Prints, for the dev video (768x576, 7 fps) and a 1080p30 H.264 clip made by
upscaling it: decode-only fps, our pipeline fps and real-time factor
(decode included), and F1 on the dev video for us and for the peer
(HOG + ByteTrack-like tracker + supervision-LineZone-like rule: a crossing
counts once all four box corners changed side).

    .venv/bin/python bench/camera.py [--video PATH --truth COUNTS_JSON] [--frames-1080 300] [--skip-peer]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from camera.detect import make_detector  # noqa: E402
from camera.evaluate import evaluate, load_truth, match_events  # noqa: E402
from camera.pipeline import build_pipeline  # noqa: E402
from camera.track import ByteTracker, TrackerConfig  # noqa: E402

PETS = ROOT.parent / "shared" / "data" / "PETS09-S2L1"


def decode_fps(video: Path, max_frames: int | None = None) -> tuple[float, int]:
    """Frames per second of cv2.VideoCapture.read() alone."""
    cap = cv2.VideoCapture(str(video))
    n = 0
    t0 = time.perf_counter()
    while max_frames is None or n < max_frames:
        ok, _ = cap.read()
        if not ok:
            break
        n += 1
    return n / (time.perf_counter() - t0), n


def make_1080p(src: Path, out: Path, frames: int) -> Path:
    """Upscaled 1920x1080 30 fps H.264 clip (ffmpeg), or MJPEG via OpenCV when ffmpeg is absent."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg:
        dst = out / "dev_1080p30.mp4"
        subprocess.run([ffmpeg, "-loglevel", "error", "-y", "-i", str(src), "-vf", "scale=1920:1080,fps=30",
                        "-frames:v", str(frames), "-c:v", "libx264", "-preset", "veryfast", "-crf", "23",
                        "-pix_fmt", "yuv420p", str(dst)], check=True)
        return dst
    dst = out / "dev_1080p30.avi"
    cap = cv2.VideoCapture(str(src))
    vw = cv2.VideoWriter(str(dst), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (1920, 1080))
    n = 0
    while n < frames:
        ok, f = cap.read()
        if not ok:
            break
        up = cv2.resize(f, (1920, 1080))
        for _ in range(4 if n % 7 else 5):  # ~30/7 duplicates
            vw.write(up)
            n += 1
    vw.release()
    return dst


def pipeline_fps(video: Path) -> tuple[float, float, int]:
    """Our default pipeline incl. decoding: (fps, video fps, frames)."""
    cap = cv2.VideoCapture(str(video))
    vfps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    w, h = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    pipe = build_pipeline(None, w, h, vfps)
    n = 0
    t0 = time.perf_counter()
    while True:
        ok, f = cap.read()
        if not ok:
            break
        pipe.process(f, n, n / vfps)
        n += 1
    return n / (time.perf_counter() - t0), vfps, n


class CornerLineZone:
    """supervision LineZone-like rule: all 4 corners must be on the new side (corner anchors)."""

    def __init__(self, a: tuple[float, float], b: tuple[float, float]) -> None:
        self.a, self.b = np.array(a), np.array(b)
        self.side: dict[int, int] = {}

    def _sides(self, box: np.ndarray) -> np.ndarray:
        x1, y1, x2, y2 = box
        pts = np.array([[x1, y1], [x2, y1], [x1, y2], [x2, y2]])
        d = self.b - self.a
        cross = d[0] * (pts[:, 1] - self.a[1]) - d[1] * (pts[:, 0] - self.a[0])
        return np.sign(cross)

    def update(self, tid: int, box: np.ndarray) -> str | None:
        s = self._sides(box)
        if not (s == s[0]).all() or s[0] == 0:
            return None
        side = int(s[0])
        prev = self.side.get(tid)
        self.side[tid] = side
        if prev is None or prev == side:
            return None
        return "left_to_right" if side < 0 else "right_to_left"


def peer_run(video: Path, truth_path: Path) -> dict:
    """HOG every frame + ByteTrack-like tracker + corner-anchor LineZone."""
    truth = load_truth(truth_path)
    cap = cv2.VideoCapture(str(video))
    vfps = truth.fps or cap.get(cv2.CAP_PROP_FPS)
    w, h = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    a = (truth.line["p1"][0] * w, truth.line["p1"][1] * h)
    b = (truth.line["p2"][0] * w, truth.line["p2"][1] * h)
    det = make_detector("hog")
    tracker = ByteTracker(TrackerConfig(min_hits=1))
    zone = CornerLineZone(a, b)
    events = []
    n = 0
    t0 = time.perf_counter()
    while True:
        ok, f = cap.read()
        if not ok:
            break
        for tr in tracker.update(det.detect(f), n / vfps):
            if tr.matched and (d := zone.update(tr.track_id, tr.box)):
                events.append({"frame": n + 1, "direction": d})
        n += 1
    fps = n / (time.perf_counter() - t0)
    return {**match_events(events, truth.events, vfps), "fps": fps, "realtime_factor": fps / vfps}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--video", type=Path, default=PETS / "PETS09-S2L1.mp4")
    ap.add_argument("--truth", type=Path, default=PETS / "counts.json")
    ap.add_argument("--frames-1080", type=int, default=300, help="length of the 1080p30 clip")
    ap.add_argument("--skip-peer", action="store_true")
    args = ap.parse_args(argv)
    if not args.video.is_file():
        print(f"error: --video: no such file: {args.video}", file=sys.stderr)
        return 2
    cv2.setNumThreads(1)
    dec, _ = decode_fps(args.video)
    ours = evaluate(args.video, args.truth)
    print(f"768x576 @{ours['video_fps']:.0f}fps  decode-only {dec:7.1f} fps | ours {ours['fps']:6.1f} fps "
          f"x{ours['realtime_factor']:.2f} real time  F1 {ours['f1']:.3f} "
          f"(P {ours['precision']:.3f} R {ours['recall']:.3f})")
    with tempfile.TemporaryDirectory() as tmp:
        clip = make_1080p(args.video, Path(tmp), args.frames_1080)
        dec1080, _ = decode_fps(clip)
        fps1080, vfps, n = pipeline_fps(clip)
        print(f"1920x1080 @{vfps:.0f}fps ({n} frames)  decode-only {dec1080:6.1f} fps | ours {fps1080:6.1f} fps "
              f"x{fps1080 / vfps:.2f} real time")
    if not args.skip_peer:
        peer = peer_run(args.video, args.truth)
        print(f"peer HOG+ByteTrack-like+corner LineZone: F1 {peer['f1']:.3f} (P {peer['precision']:.3f} "
              f"R {peer['recall']:.3f})  {peer['fps']:.1f} fps x{peer['realtime_factor']:.2f} | ours F1 "
              f"{ours['f1']:.3f} {ours['fps']:.1f} fps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
