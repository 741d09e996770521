"""User-supplied YOLO-family ONNX model (YOLOv5 or YOLOv8 export) via cv2.dnn.readNetFromONNX.

Layouts: YOLOv5 -> (1, N, 5 + C) with objectness; YOLOv8 -> (1, 4 + C, N)
without.  "auto" picks v8 when the box axis is the last one (rows < cols),
else v5.  Boxes are in input pixels of a letterboxed square image.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from camera.detect.base import Detections
from camera.detect.yolo_common import cxcywh_to_xyxy, decode_yolo_rows, finish, letterbox


class OnnxYoloDetector:
    """Person boxes (``class_id``, COCO person = 0) from a YOLO ONNX export."""

    name = "onnx"

    def __init__(
        self,
        model: str | Path,
        input_size: int = 640,
        score_threshold: float = 0.25,
        class_id: int = 0,
        layout: str = "auto",
        nms_iou: float = 0.45,
    ) -> None:
        if not Path(model).is_file():
            raise FileNotFoundError(f"onnx model not found: {model}")
        self.net = cv2.dnn.readNetFromONNX(str(model))
        self.input_size = input_size
        self.score_threshold = score_threshold
        self.class_id = class_id
        self.layout = layout
        self.nms_iou = nms_iou

    def detect(self, frame: np.ndarray) -> Detections:
        h, w = frame.shape[:2]
        img, r, (px, py) = letterbox(frame, self.input_size)
        blob = cv2.dnn.blobFromImage(img, 1 / 255.0, swapRB=True)
        self.net.setInput(blob)
        out = np.asarray(self.net.forward())
        out = out.reshape(out.shape[-2], out.shape[-1]) if out.ndim >= 2 else out
        layout = self.layout
        if layout == "auto":
            layout = "v8" if out.shape[0] < out.shape[1] else "v5"
        if layout == "v8" and out.shape[0] < out.shape[1]:
            out = out.T
        boxes, scores = decode_yolo_rows(out, layout, self.class_id, self.score_threshold)
        xyxy = cxcywh_to_xyxy(boxes)
        xyxy -= np.array([px, py, px, py], np.float32)
        xyxy /= r
        return finish(xyxy, scores, w, h, self.nms_iou)
