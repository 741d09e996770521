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
    return max(step, round(w / step) * step), max(step, round(h / step) * step)


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
        iw, ih = self.input_wh
        shrink = iw * 2 <= w or ih * 2 <= h
        small = cv2.resize(frame, (iw, ih), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
        self._request.infer({0: small[None]})
        out = self._request.get_output_tensor(0).data.reshape(-1, 7)
        out = out[(out[:, 2] >= self.score_threshold) & (out[:, 0] >= 0)]
        boxes = out[:, 3:7] * np.array([w, h, w, h], np.float32)
        return clip_boxes(Detections(boxes, out[:, 2]), w, h)
