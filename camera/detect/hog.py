"""OpenCV's default HOG + linear SVM people detector (Dalal-Triggs, 64x128 window).

Cheap baseline and the detector of the peer pipeline in bench/camera.py.  The
SVM margin is mapped to a 0..1 score with a logistic so tracker thresholds
work on the same scale as the DNN detectors.
"""

from __future__ import annotations

import cv2
import numpy as np

from camera.detect.base import Detections, clip_boxes, nms


class HogDetector:
    """People at least ~128 px tall / ``upscale``; ``upscale`` > 1 finds smaller people."""

    name = "hog"

    def __init__(
        self,
        upscale: float = 1.0,
        win_stride: int = 8,
        scale: float = 1.05,
        score_threshold: float = 0.2,
        hit_threshold: float = -0.5,
        nms_iou: float = 0.4,
    ) -> None:
        self.hog = cv2.HOGDescriptor()
        self.hog.setSVMDetector(cv2.HOGDescriptor_getDefaultPeopleDetector())
        self.upscale = upscale
        self.win_stride = win_stride
        self.scale = scale
        self.score_threshold = score_threshold
        self.hit_threshold = hit_threshold
        self.nms_iou = nms_iou

    def detect(self, frame: np.ndarray) -> Detections:
        h, w = frame.shape[:2]
        img = frame
        if self.upscale != 1.0:
            img = cv2.resize(frame, None, fx=self.upscale, fy=self.upscale, interpolation=cv2.INTER_LINEAR)
        rects, weights = self.hog.detectMultiScale(
            img,
            hitThreshold=self.hit_threshold,
            winStride=(self.win_stride, self.win_stride),
            padding=(8, 8),
            scale=self.scale,
        )
        if len(rects) == 0:
            return Detections()
        rects = np.asarray(rects, np.float32) / self.upscale
        xyxy = np.concatenate([rects[:, :2], rects[:, :2] + rects[:, 2:]], axis=1)
        scores = 1.0 / (1.0 + np.exp(-np.asarray(weights, np.float32).reshape(-1)))
        dets = clip_boxes(Detections(xyxy, scores), w, h)
        return nms(dets.select(dets.scores >= self.score_threshold), self.nms_iou)
