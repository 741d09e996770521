"""Background subtraction blobs (MOG2 or KNN) as person boxes, for ceiling / top-down cameras.

Works where people do not overlap much and the camera does not move; blobs
split and merge in crowds (field notes: 0.93 F1 sparse vs 0.55 dense), so it
is not the default.  Thresholds scale with the frame size.
"""

from __future__ import annotations

import cv2
import numpy as np

from camera.detect.base import Detections


class BgSubDetector:
    """Foreground blobs -> boxes; score is the blob's fill ratio (solid blobs look like people)."""

    name = "bgsub"

    def __init__(
        self,
        method: str = "mog2",
        min_area_frac: float = 0.0008,
        max_area_frac: float = 0.25,
        history: int = 300,
        work_width: int = 480,
        learning_rate: float = -1.0,
    ) -> None:
        if method == "mog2":
            self.sub = cv2.createBackgroundSubtractorMOG2(history=history, varThreshold=25, detectShadows=True)
        elif method == "knn":
            self.sub = cv2.createBackgroundSubtractorKNN(history=history, detectShadows=True)
        else:
            raise ValueError("method must be 'mog2' or 'knn'")
        self.min_area_frac = min_area_frac
        self.max_area_frac = max_area_frac
        self.work_width = work_width
        self.learning_rate = learning_rate
        self.kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))

    def detect(self, frame: np.ndarray) -> Detections:
        _h, w = frame.shape[:2]
        s = min(1.0, self.work_width / w)
        small = cv2.resize(frame, None, fx=s, fy=s, interpolation=cv2.INTER_AREA) if s < 1 else frame
        fg = self.sub.apply(small, learningRate=self.learning_rate)
        fg = np.where(fg == 255, 255, 0).astype(np.uint8)  # drop shadows (127)
        fg = cv2.morphologyEx(fg, cv2.MORPH_OPEN, self.kernel)
        fg = cv2.dilate(fg, self.kernel, iterations=2)
        n, _, stats, _ = cv2.connectedComponentsWithStats(fg, connectivity=8)
        area_total = fg.shape[0] * fg.shape[1]
        boxes, scores = [], []
        for i in range(1, n):
            x, y, bw, bh, area = stats[i]
            if not (self.min_area_frac * area_total <= area <= self.max_area_frac * area_total):
                continue
            boxes.append([x / s, y / s, (x + bw) / s, (y + bh) / s])
            scores.append(min(1.0, 0.4 + area / max(bw * bh, 1)))
        return Detections(np.array(boxes, np.float32), np.array(scores, np.float32))
