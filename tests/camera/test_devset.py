"""Acceptance: the default pipeline on the three dev clips (43 crossing events) against their counts.json.

Floors: pooled F1 >= 0.95, PETS09-S2L1 >= 0.97, and neither other clip below what the previous default
(SSDLite tiles, detector 6 times a second) scored: KITTI-17 0.833, TUD-Campus 0.571.  Measured with this
default: PETS 0.984, KITTI 0.909, TUD 0.889, pooled 0.964 (docs/camera.md).
"""

from __future__ import annotations

import pytest

from camera.evaluate import evaluate, pool
from tests.camera.conftest import DEV_CLIPS, dev_clip

FLOORS = {"PETS09-S2L1": 0.97, "KITTI-17": 0.833, "TUD-Campus": 0.571}
POOLED_FLOOR = 0.95
FRAMES = {"PETS09-S2L1": 795, "KITTI-17": 145, "TUD-Campus": 71}


@pytest.fixture(scope="module")
def results() -> dict[str, dict]:
    clips = {name: dev_clip(name) for name in DEV_CLIPS}
    return {name: evaluate(video, truth) for name, (video, truth) in clips.items()}


@pytest.mark.parametrize("name", DEV_CLIPS)
def test_each_dev_clip_holds_its_floor(results, name):
    res = results[name]
    assert res["frames"] == FRAMES[name]
    print(f"{name}: F1 {res['f1']:.3f} P {res['precision']:.3f} R {res['recall']:.3f} missed {res['missed']} false {res['false']}")
    assert res["f1"] >= FLOORS[name], {k: v for k, v in res.items() if k != "events"}


def test_pooled_f1_over_the_dev_set(results):
    pooled = pool(list(results.values()))
    assert pooled["truth_events"] == 43
    assert pooled["f1"] >= POOLED_FLOOR, pooled
