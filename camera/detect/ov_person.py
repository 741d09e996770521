"""Intel Open Model Zoo person detectors (OpenVINO IR) through the ``openvino`` runtime, one inference thread.

The SSD heads of person-detection-0201 accept any input size, so the input is reshaped to the frame's
aspect (people are not squashed) at a fixed pixel budget (the cost stays the same whatever the camera):
see ``input_shape``.  person-detection-retail-0013 is also shipped (``model`` option).
The network is compiled on the first frame, when the frame size is known, and again if it changes.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from camera.detect.base import Detections, clip_boxes
from camera.models import DEFAULT_MODEL, ModelSpec, verify

INPUT_BUDGET = 640 * 480  # input pixels per pass: ~8 ms a pass on one core with person-detection-0201
STEP = 32  # both input sides are multiples of the network's largest stride


def input_shape(width: int, height: int, budget: int = INPUT_BUDGET, step: int = STEP) -> tuple[int, int]:
    """(w, h) of the network input: the frame's aspect at about ``budget`` pixels, never above the frame.

    4:3 -> 640x480, 16:9 -> 736x416, 1224x370 -> 1024x320 (people keep their shape).  A frame smaller than the
    budget is not upscaled beyond its own size (rounded to ``step``).
    """
    aspect = width / max(height, 1)
    w = min((budget * aspect) ** 0.5, float(width))
    h = w / aspect

    def snap(v: float, limit: int) -> int:
        s = round(v / step) * step
        return max(step, s if s <= limit else (limit // step) * step)

    return snap(w, width), snap(h, height)


def shrink(frame: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Resize to ``size`` without aliasing, cheaply: area-average by a whole factor first, then bilinear.

    A whole-factor INTER_AREA is OpenCV's fast path (1080p -> 960x540: 0.3 ms on one core, against 5 ms for
    INTER_AREA straight to 736x416); the bilinear step that follows is then less than 2x and does not alias.
    """
    h, w = frame.shape[:2]
    iw, ih = size
    k = min(w // iw, h // ih)
    if k >= 2:
        frame = cv2.resize(frame, (w // k, h // k), interpolation=cv2.INTER_AREA)
    if frame.shape[1] == iw and frame.shape[0] == ih:
        return frame
    return cv2.resize(frame, (iw, ih), interpolation=cv2.INTER_LINEAR)


class OpenVinoPersonDetector:
    """Person boxes from a shipped IR model; ``input_size`` (w, h) overrides the geometry rule."""

    name = "openvino"

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        score_threshold: float = 0.2,
        input_size: tuple[int, int] | list[int] | None = None,
        budget: int = INPUT_BUDGET,
        threads: int = 1,
    ) -> None:
        self.spec: ModelSpec = verify(model)
        import openvino as ov  # imported here: the runtime is large and only the node needs it

        self._ov = ov
        self.core = ov.Core()
        self.score_threshold = float(score_threshold)
        self.fixed_input = tuple(int(v) for v in input_size) if input_size else None
        self.budget = int(budget)
        self.threads = int(threads)
        self._frame_size: tuple[int, int] | None = None
        self.input_wh: tuple[int, int] | None = None
        self._request: Any = None

    def _compile(self, width: int, height: int) -> None:
        ov = self._ov
        if self.fixed_input is not None:
            w, h = self.fixed_input
        elif self.spec.name == "person-detection-0201":
            w, h = input_shape(width, height, self.budget)
        else:
            w, h = self.spec.native  # retail-0013's priors are made for its native 544x320
        model = self.core.read_model(str(self.spec.xml), str(self.spec.bin))
        inp = model.inputs[0]
        model.reshape({inp.any_name: [1, 3, h, w]})
        ppp = ov.preprocess.PrePostProcessor(model)
        ppp.input().tensor().set_element_type(ov.Type.u8).set_layout(ov.Layout("NHWC"))
        ppp.input().model().set_layout(ov.Layout("NCHW"))
        model = ppp.build()
        cfg = {"INFERENCE_NUM_THREADS": self.threads, "NUM_STREAMS": 1, "PERFORMANCE_HINT": "LATENCY"}
        compiled = self.core.compile_model(model, "CPU", cfg)
        self._request = compiled.create_infer_request()
        self._frame_size, self.input_wh = (width, height), (w, h)

    def detect(self, frame: np.ndarray) -> Detections:
        h, w = frame.shape[:2]
        if self._frame_size != (w, h):
            self._compile(w, h)
        assert self.input_wh is not None
        self._request.infer({0: shrink(frame, self.input_wh)[None]})
        out = self._request.get_output_tensor(0).data.reshape(-1, 7)
        out = out[(out[:, 2] >= self.score_threshold) & (out[:, 0] >= 0)]
        boxes = out[:, 3:7] * np.array([w, h, w, h], np.float32)
        return clip_boxes(Detections(boxes, out[:, 2]), w, h)
