"""Acceptance: default pipeline on all 795 PETS09-S2L1 frames against counts.json."""

from __future__ import annotations

import pytest

from camera.evaluate import evaluate

TARGET_F1 = 0.95
REGRESSION_FLOOR_F1 = 0.90


def test_pets_f1_default_pipeline(pets):
    video, truth = pets
    res = evaluate(video, truth)
    assert res["frames"] == 795
    print(f"PETS F1={res['f1']:.3f} P={res['precision']:.3f} R={res['recall']:.3f} fps={res['fps']:.1f}")
    assert res["f1"] >= REGRESSION_FLOOR_F1, res
    if res["f1"] < TARGET_F1:
        pytest.xfail(f"F1 {res['f1']:.3f} below the 0.95 target (known gap, see docs/camera.md)")
