"""Detector interface shared by all person detectors.

Every detector returns pixel boxes in the coordinates of the frame it was
given, so the tracker never needs to know about input scaling or tiling.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import cv2
import numpy as np


@dataclass
class Detections:
    """Person boxes of one frame: ``xyxy`` float32 (N, 4) and ``scores`` float32 (N,)."""

    xyxy: np.ndarray = field(default_factory=lambda: np.zeros((0, 4), np.float32))
    scores: np.ndarray = field(default_factory=lambda: np.zeros((0,), np.float32))

    def __post_init__(self) -> None:
        self.xyxy = np.asarray(self.xyxy, np.float32).reshape(-1, 4)
        self.scores = np.asarray(self.scores, np.float32).reshape(-1)
        if len(self.xyxy) != len(self.scores):
            raise ValueError("xyxy and scores differ in length")

    def __len__(self) -> int:
        return len(self.scores)

    def select(self, keep: np.ndarray) -> Detections:
        """Subset by boolean mask or index array."""
        return Detections(self.xyxy[keep], self.scores[keep])

    @staticmethod
    def concat(parts: list[Detections]) -> Detections:
        """Join detections, e.g. from several tiles."""
        if not parts:
            return Detections()
        return Detections(
            np.concatenate([p.xyxy for p in parts]), np.concatenate([p.scores for p in parts])
        )


@runtime_checkable
class Detector(Protocol):
    """Anything that turns a BGR frame into person boxes."""

    name: str

    def detect(self, frame: np.ndarray) -> Detections:
        """Detect people in a BGR uint8 frame."""
        ...


def nms(dets: Detections, iou: float = 0.5) -> Detections:
    """Greedy non-maximum suppression (cv2.dnn.NMSBoxes) by score."""
    if len(dets) == 0:
        return dets
    xywh = dets.xyxy.copy()
    xywh[:, 2:] -= xywh[:, :2]
    keep = cv2.dnn.NMSBoxes(xywh.tolist(), dets.scores.tolist(), 0.0, iou)
    keep = np.asarray(keep, np.int64).reshape(-1)
    return dets.select(keep)


def suppress_contained(dets: Detections, frac: float = 0.8) -> Detections:
    """Drop a box mostly inside a higher-scoring one (a part seen as a person, tile seams)."""
    n = len(dets)
    if n < 2:
        return dets
    order = np.argsort(-dets.scores)
    b = dets.xyxy[order]
    area = np.maximum(b[:, 2] - b[:, 0], 0) * np.maximum(b[:, 3] - b[:, 1], 0)
    keep = np.ones(n, bool)
    for i in range(n):
        if not keep[i]:
            continue
        ix1 = np.maximum(b[i, 0], b[i + 1 :, 0])
        iy1 = np.maximum(b[i, 1], b[i + 1 :, 1])
        ix2 = np.minimum(b[i, 2], b[i + 1 :, 2])
        iy2 = np.minimum(b[i, 3], b[i + 1 :, 3])
        inter = np.maximum(ix2 - ix1, 0) * np.maximum(iy2 - iy1, 0)
        inside = inter / np.maximum(area[i + 1 :], 1e-6)
        keep[i + 1 :] &= inside < frac
    return dets.select(order[keep])


def clip_boxes(dets: Detections, width: int, height: int) -> Detections:
    """Clip boxes to the frame and drop empty ones."""
    if len(dets) == 0:
        return dets
    b = dets.xyxy.copy()
    b[:, [0, 2]] = np.clip(b[:, [0, 2]], 0, width)
    b[:, [1, 3]] = np.clip(b[:, [1, 3]], 0, height)
    ok = (b[:, 2] - b[:, 0] > 1) & (b[:, 3] - b[:, 1] > 1)
    return Detections(b[ok], dets.scores[ok])
