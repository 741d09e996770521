"""Camera pipeline benchmark, pinned to one CPU core: our tracker + counter vs supervision's on the same boxes.

For each dev clip (../shared/data: PETS09-S2L1, KITTI-17, TUD-Campus) the default detector runs once on every
frame; the same boxes then go through (a) our tracker + line counter and (b) supervision's ByteTrack +
LineZone with the bottom-centre anchor (the peer).  Printed side by side: F1 per clip and pooled.
Then speed of the whole default pipeline including decode, beside decode-only fps of the same video:
768x576 (the PETS clip) and 1080p30 (the PETS clip upscaled with ffmpeg), the per-frame detector cost, the
stride the node chose, and the camera node's peak RSS (`python -m camera run` on the 1080p clip).

    .venv/bin/python bench/camera.py [--frames-1080 300] [--skip-peer] [--stride 5] [--no-pin]
"""

from __future__ import annotations

import argparse
import os
import resource
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

from camera.count import LineConfig, LineCounter  # noqa: E402
from camera.detect import Detections, make_detector  # noqa: E402
from camera.evaluate import Truth, load_truth, match_events, scores  # noqa: E402
from camera.pipeline import Pipeline, build_pipeline  # noqa: E402
from camera.stride import StrideController  # noqa: E402
from camera.track import ByteTracker, TrackerConfig  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
CLIPS = ("PETS09-S2L1", "KITTI-17", "TUD-Campus")


def decode_fps(video: Path) -> tuple[float, int]:
    """Frames per second of cv2.VideoCapture.read() alone."""
    cap = cv2.VideoCapture(str(video))
    n = 0
    t0 = time.perf_counter()
    while cap.read()[0]:
        n += 1
    return n / (time.perf_counter() - t0), n


def detect_all(video: Path) -> tuple[list[Detections], tuple[int, int], float]:
    """Default detector on every frame: boxes per frame, frame size, mean ms per pass (first pass excluded)."""
    det = make_detector("openvino")
    cap = cv2.VideoCapture(str(video))
    out, costs, size = [], [], (0, 0)
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        size = (frame.shape[1], frame.shape[0])
        t0 = time.perf_counter()
        out.append(det.detect(frame))
        costs.append(time.perf_counter() - t0)
    return out, size, 1000.0 * float(np.mean(costs[1:] or costs))


class Replay:
    """A detector that hands back recorded boxes, so both trackers see exactly the same input."""

    name = "replay"

    def __init__(self, boxes: list[Detections]) -> None:
        self.boxes, self.k = boxes, 0

    def detect(self, frame: np.ndarray) -> Detections:
        return self.boxes[self.k]


def ours(boxes: list[Detections], size: tuple[int, int], truth: Truth, fps: float, stride: int = 1) -> dict:
    """Our default tracker + counter on the recorded boxes (every frame, as the node does when it can)."""
    w, h = size
    rep = Replay(boxes)
    pipe = Pipeline(rep, ByteTracker(TrackerConfig()), LineCounter(LineConfig.from_dict(truth.line), w, h),
                    StrideController(fps, fixed=stride), None, w, h)
    blank = np.zeros((h, w, 3), np.uint8)
    events = []
    for k in range(len(boxes)):
        rep.k = k
        events += [{"frame": e.frame_index + 1, "direction": e.direction} for e in pipe.process(blank, k, k / fps)]
    return match_events(events, truth.events, fps)


def peer(boxes: list[Detections], size: tuple[int, int], truth: Truth, fps: float, stride: int = 1) -> dict:
    """supervision ByteTrack (frame_rate = detector passes a second) + LineZone, bottom-centre anchor, defaults otherwise."""
    import supervision as sv

    w, h = size
    a = sv.Point(truth.line["p1"][0] * w, truth.line["p1"][1] * h)
    b = sv.Point(truth.line["p2"][0] * w, truth.line["p2"][1] * h)
    tracker = sv.ByteTrack(frame_rate=fps / stride)
    zone = sv.LineZone(a, b, triggering_anchors=[sv.Position.BOTTOM_CENTER])
    side = LineCounter(LineConfig.from_dict(truth.line), w, h)  # only to name the direction the same way
    events = []
    for k, d in enumerate(boxes):
        if k % stride:
            continue
        sd = sv.Detections(xyxy=d.xyxy.astype(np.float32), confidence=d.scores, class_id=np.zeros(len(d), int))
        sd = tracker.update_with_detections(sd)
        crossed_in, crossed_out = zone.trigger(sd)
        for i in np.flatnonzero(crossed_in | crossed_out):
            feet = ((sd.xyxy[i, 0] + sd.xyxy[i, 2]) / 2, sd.xyxy[i, 3])
            direction = "right_to_left" if side.signed_distance(feet) > 0 else "left_to_right"
            events.append({"frame": k + 1, "direction": direction})
    return match_events(events, truth.events, fps)


def pooled(rows: list[dict]) -> dict:
    tp, fp, fn = (sum(r[k] for r in rows) for k in ("tp", "fp", "fn"))
    return {"tp": tp, "fp": fp, "fn": fn, **scores(tp, fp, fn)}


def pipeline_fps(video: Path) -> dict:
    """The whole default pipeline incl. decoding (stride chosen by the node), as `camera run` would."""
    cap = cv2.VideoCapture(str(video))
    vfps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    w, h = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    pipe = build_pipeline(None, w, h, vfps)
    n, det_s, passes = 0, 0.0, 0
    t0 = time.perf_counter()
    while True:
        ok, f = cap.read()
        if not ok:
            break
        before = pipe.stride_ctl.passes
        pipe.process(f, n, n / vfps)
        if pipe.stride_ctl.passes > before and n > 0:
            det_s += pipe.detect_seconds
            passes += 1
        n += 1
    fps = n / (time.perf_counter() - t0)
    return {"fps": fps, "vfps": vfps, "frames": n, "stride": pipe.stride, "size": (w, h),
            "detect_ms": 1000.0 * det_s / max(passes, 1), "input": getattr(pipe.detector, "input_wh", None)}


def make_1080p(src: Path, out: Path, frames: int) -> Path:
    """Upscaled 1920x1080 30 fps H.264 clip (ffmpeg)."""
    dst = out / "dev_1080p30.mp4"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(src), "-vf", "scale=1920:1080,fps=30",
                    "-frames:v", str(frames), "-c:v", "libx264", "-preset", "veryfast", "-crf", "23",
                    "-pix_fmt", "yuv420p", str(dst)], check=True)
    return dst


def node_rss_mib(video: Path, tmp: Path, cpu: int | None) -> float:
    """Peak RSS of `python -m camera run` counting ``video`` (server unreachable: events stay in the spool)."""
    cfg = tmp / "cam.yaml"
    cfg.write_text("line: [[0.5, 0], [0.5, 1]]\nin_side: right\n")
    cmd = [sys.executable, "-m", "camera", "run", "--camera", "cam-bench", "--source", str(video), "--token", "t",
           "--config", str(cfg), "--spool", str(tmp / "spool.sqlite"), "--server", "http://127.0.0.1:9"]
    if cpu is not None and shutil.which("taskset"):
        cmd = ["taskset", "-c", str(cpu), *cmd]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True, timeout=600)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(peak, before) / 1024.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames-1080", type=int, default=300, help="length of the 1080p30 clip")
    ap.add_argument("--skip-peer", action="store_true")
    ap.add_argument("--stride", type=int, default=5, help="also score both on every N-th frame's boxes (a slow node)")
    ap.add_argument("--no-pin", action="store_true", help="do not pin to one CPU core")
    args = ap.parse_args(argv)
    clips = [c for c in CLIPS if (DATA / c / f"{c}.mp4").is_file()]
    if not clips:
        print(f"error: no dev clips under {DATA}", file=sys.stderr)
        return 2
    cpu = None
    if not args.no_pin:
        cpu = sorted(os.sched_getaffinity(0))[-1]
        os.sched_setaffinity(0, {cpu})
    cv2.setNumThreads(1)
    print(f"one core (cpu {cpu if cpu is not None else 'any'}), OpenVINO and OpenCV one thread each; load average "
          f"{os.getloadavg()[0]:.1f} at start")
    if not args.skip_peer:
        try:
            import supervision  # noqa: F401
        except ImportError:
            print("note: supervision not installed (pip install --no-deps -r requirements-nodeps.txt): peer skipped")
            args.skip_peer = True
    print(f"\n{'clip':14s} {'events':>6s} | {'ours F1':>8s} {'P':>6s} {'R':>6s} | {'peer F1':>8s} {'P':>6s} {'R':>6s} | detector")
    rows_ours, rows_peer, strided_ours, strided_peer = [], [], [], []
    for clip in clips:
        video, truth = DATA / clip / f"{clip}.mp4", load_truth(DATA / clip / "counts.json")
        fps = float(truth.fps or cv2.VideoCapture(str(video)).get(cv2.CAP_PROP_FPS))
        boxes, size, ms = detect_all(video)
        o = ours(boxes, size, truth, fps)
        rows_ours.append(o)
        strided_ours.append(ours(boxes, size, truth, fps, args.stride))
        p = peer(boxes, size, truth, fps) if not args.skip_peer else None
        if p:
            rows_peer.append(p)
            strided_peer.append(peer(boxes, size, truth, fps, args.stride))
        ptxt = f"{p['f1']:8.3f} {p['precision']:6.3f} {p['recall']:6.3f}" if p else f"{'-':>8s} {'':6s} {'':6s}"
        print(f"{clip:14s} {len(truth.events):6d} | {o['f1']:8.3f} {o['precision']:6.3f} {o['recall']:6.3f} | {ptxt} | "
              f"{ms:.1f} ms/frame at {size[0]}x{size[1]}")
    po = pooled(rows_ours)
    pp = pooled(rows_peer) if rows_peer else None
    ptxt = f"{pp['f1']:8.3f} {pp['precision']:6.3f} {pp['recall']:6.3f}" if pp else f"{'-':>8s}"
    print(f"{'pooled':14s} {po['tp'] + po['fn']:6d} | {po['f1']:8.3f} {po['precision']:6.3f} {po['recall']:6.3f} | {ptxt} |")
    so, sp = pooled(strided_ours), pooled(strided_peer) if strided_peer else None
    ptxt = f"{sp['f1']:8.3f} {sp['precision']:6.3f} {sp['recall']:6.3f}" if sp else f"{'-':>8s}"
    print(f"{f'pooled, 1/{args.stride}':14s} {so['tp'] + so['fn']:6d} | {so['f1']:8.3f} {so['precision']:6.3f} {so['recall']:6.3f} | "
          f"{ptxt} | the same boxes on every {args.stride}th frame only")

    print("\nspeed, whole default pipeline incl. decode (stride chosen by the node from measured cost):")
    pets = DATA / "PETS09-S2L1" / "PETS09-S2L1.mp4"
    with tempfile.TemporaryDirectory() as tmp:
        videos = [pets] if pets.is_file() else []
        if pets.is_file() and shutil.which("ffmpeg"):
            videos.append(make_1080p(pets, Path(tmp), args.frames_1080))
        elif pets.is_file():
            print("note: ffmpeg not installed: no 1080p30 clip")
        for v in videos:
            dec, _ = decode_fps(v)
            r = pipeline_fps(v)
            w, h = r["size"]
            print(f"  {w}x{h} @{r['vfps']:.0f}fps ({r['frames']} frames): decode-only {dec:6.1f} fps | pipeline "
                  f"{r['fps']:6.1f} fps = x{r['fps'] / r['vfps']:.2f} real time | detector {r['detect_ms']:.1f} ms/pass "
                  f"(input {r['input'][0]}x{r['input'][1]}), every {r['stride']} frame(s)")
        if len(videos) > 1:
            print(f"  camera node peak RSS (python -m camera run, 1080p clip): {node_rss_mib(videos[1], Path(tmp), cpu):.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
