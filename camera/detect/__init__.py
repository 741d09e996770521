"""Person detectors behind one interface; build them by name with ``make_detector``."""

from __future__ import annotations

from typing import Any

from camera.detect.base import Detections, Detector, nms

__all__ = ["DETECTORS", "Detections", "Detector", "make_detector", "nms"]

DETECTORS = ("bgsub", "hog", "ssdlite", "yolo_tiny", "onnx")


def make_detector(name: str, **opts: Any) -> Detector:
    """Create detector ``name`` (one of DETECTORS) with its options; imports lazily."""
    if name == "ssdlite":
        from camera.detect.ssdlite import SSDLiteDetector

        return SSDLiteDetector(**opts)
    if name == "yolo_tiny":
        from camera.detect.yolo_tiny import YoloTinyDetector

        return YoloTinyDetector(**opts)
    if name == "onnx":
        from camera.detect.onnx_yolo import OnnxYoloDetector

        return OnnxYoloDetector(**opts)
    if name == "hog":
        from camera.detect.hog import HogDetector

        return HogDetector(**opts)
    if name == "bgsub":
        from camera.detect.bgsub import BgSubDetector

        return BgSubDetector(**opts)
    raise ValueError(f"unknown detector {name!r}; choose one of {', '.join(DETECTORS)}")
