"""Decoding shared by the YOLO-family detectors (Darknet and ONNX exports)."""

from __future__ import annotations

import cv2
import numpy as np

from camera.detect.base import Detections, clip_boxes, nms


def letterbox(img: np.ndarray, size: int) -> tuple[np.ndarray, float, tuple[int, int]]:
    """Resize keeping aspect ratio and pad to size x size (what YOLOv5/v8 exports expect)."""
    h, w = img.shape[:2]
    r = size / max(h, w)
    nw, nh = round(w * r), round(h * r)
    resized = cv2.resize(img, (nw, nh), interpolation=cv2.INTER_LINEAR)
    out = np.full((size, size, 3), 114, np.uint8)
    px, py = (size - nw) // 2, (size - nh) // 2
    out[py : py + nh, px : px + nw] = resized
    return out, r, (px, py)


def cxcywh_to_xyxy(b: np.ndarray) -> np.ndarray:
    """Centre/size rows to corner rows."""
    out = np.empty_like(b)
    out[:, 0] = b[:, 0] - b[:, 2] / 2
    out[:, 1] = b[:, 1] - b[:, 3] / 2
    out[:, 2] = b[:, 0] + b[:, 2] / 2
    out[:, 3] = b[:, 1] + b[:, 3] / 2
    return out


def decode_yolo_rows(
    rows: np.ndarray, layout: str, class_id: int, threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    """Rows of (cx, cy, w, h, [obj], classes...) -> (cxcywh boxes, person scores).

    ``layout``: "v5" (objectness column, score = obj * cls), "v8" (no objectness),
    "darknet" (OpenCV's Region output: class columns already multiplied by obj).
    """
    if layout == "v5":
        scores = rows[:, 4] * rows[:, 5 + class_id]
    elif layout == "v8":
        scores = rows[:, 4 + class_id]
    elif layout == "darknet":
        scores = rows[:, 5 + class_id]
    else:
        raise ValueError(f"unknown YOLO layout {layout!r}")
    keep = scores >= threshold
    return rows[keep, :4].astype(np.float32), scores[keep].astype(np.float32)


def finish(boxes_xyxy: np.ndarray, scores: np.ndarray, width: int, height: int, iou: float) -> Detections:
    """Clip to the frame and apply NMS."""
    return nms(clip_boxes(Detections(boxes_xyxy, scores), width, height), iou)
