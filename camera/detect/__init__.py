"""Person detectors behind one interface; build them by name with ``make_detector``."""

from __future__ import annotations

from typing import Any

from camera.detect.base import Detections, Detector, nms

__all__ = ["DETECTORS", "Detections", "Detector", "make_detector", "nms"]

DETECTORS = ("openvino", "onnx")


def make_detector(name: str, **opts: Any) -> Detector:
    """Create detector ``name`` (one of DETECTORS) with its options; imports lazily."""
    if name == "openvino":
        from camera.detect.ov_person import OpenVinoPersonDetector

        return OpenVinoPersonDetector(**opts)
    if name == "onnx":
        from camera.detect.onnx_yolo import OnnxYoloDetector

        return OnnxYoloDetector(**opts)
    raise ValueError(f"unknown detector {name!r}; choose one of {', '.join(DETECTORS)}")
