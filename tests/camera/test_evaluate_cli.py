"""``python -m camera evaluate`` contract: one JSON object on stdout, clear errors for bad flags."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from camera.evaluate import match_events
from tests.camera.conftest import ROOT, dev_clip


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "camera", "evaluate", *args], cwd=ROOT, check=False,
                          capture_output=True, text=True, timeout=240)


def test_evaluate_json_contract_on_synthetic_clip(synthetic_clip):
    video, truth = synthetic_clip
    res = run_cli("--video", str(video), "--truth", str(truth), "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)  # exactly one JSON document on stdout
    for key in ("events", "counts", "precision", "recall", "f1", "frames", "seconds", "fps", "realtime_factor", "missed", "false"):
        assert key in out
    assert out["frames"] == 160
    assert set(out["counts"]) == {"left_to_right", "right_to_left"}
    assert all(set(e) == {"frame", "direction"} and e["frame"] >= 1 for e in out["events"])
    assert out["realtime_factor"] == out["fps"] / 10.0
    # the reported score is consistent with the reported events
    truth_events = json.loads(truth.read_text())["whole_sequence"]["crossings"]["events"]
    assert match_events(out["events"], truth_events, 10.0)["f1"] == out["f1"]


def test_missing_video_names_the_flag(tmp_path, synthetic_clip):
    res = run_cli("--video", str(tmp_path / "nope.mp4"), "--truth", str(synthetic_clip[1]), "--json")
    assert res.returncode != 0 and "--video" in res.stderr and "Traceback" not in res.stderr
    assert res.stdout == ""


def test_bad_truth_names_the_flag(tmp_path, synthetic_clip):
    bad = tmp_path / "bad.json"
    bad.write_text('{"fps": 7}')
    res = run_cli("--video", str(synthetic_clip[0]), "--truth", str(bad))
    assert res.returncode != 0 and "--truth" in res.stderr and "Traceback" not in res.stderr


def test_missing_required_flag():
    res = run_cli("--video", "x.mp4")
    assert res.returncode != 0 and "--truth" in res.stderr and "Traceback" not in res.stderr


def test_match_events_greedy_within_one_second():
    truth = [{"frame": 10, "direction": "left_to_right"}, {"frame": 12, "direction": "left_to_right"}]
    pred = [{"frame": 11, "direction": "left_to_right"}, {"frame": 30, "direction": "left_to_right"},
            {"frame": 12, "direction": "right_to_left"}]
    s = match_events(pred, truth, 7.0)
    assert (s["tp"], s["fp"], s["fn"]) == (1, 2, 1)


@pytest.fixture(scope="module")
def two_clips() -> tuple[tuple[Path, Path], tuple[Path, Path], dict[str, Any]]:
    """KITTI-17 and TUD-Campus through one `evaluate --json` run with the default config (each clip is evaluated
    on its own, so the TUD figures are those of a single-clip run)."""
    (kv, kt), (tv, tt) = dev_clip("KITTI-17"), dev_clip("TUD-Campus")
    res = run_cli("--video", str(kv), "--truth", str(kt), "--video", str(tv), "--truth", str(tt), "--json")
    assert res.returncode == 0, res.stderr
    return (kv, kt), (tv, tt), json.loads(res.stdout)


def test_several_clips_report_per_clip_and_pooled_figures(two_clips):
    (kv, kt), (tv, tt), out = two_clips
    clips, pooled = out["clips"], out["pooled"]
    assert [c["video"] for c in clips] == [str(kv), str(tv)]
    for c, truth in zip(clips, (kt, tt), strict=True):
        truth_events = json.loads(truth.read_text())["whole_sequence"]["crossings"]["events"]
        s = match_events(c["events"], truth_events, c["video_fps"])
        assert (c["tp"], c["fp"], c["fn"], c["f1"]) == (s["tp"], s["fp"], s["fn"], s["f1"])
        # missed/false events carry frames a person can look up; they add up to the counts
        assert len(c["missed"]) == c["fn"] and len(c["false"]) == c["fp"]
        truth_frames = {(e["frame"], e["direction"]) for e in truth_events}
        assert all((e["frame"], e["direction"]) in truth_frames for e in c["missed"])
    assert pooled["truth_events"] == 11 and pooled["tp"] == sum(c["tp"] for c in clips)
    tp, fp, fn = pooled["tp"], pooled["fp"], pooled["fn"]
    assert pooled["f1"] == 2 * tp / (2 * tp + fp + fn)  # pooled by events, not by averaging F1
    human = run_cli("--video", str(kv), "--truth", str(kt), "--video", str(tv), "--truth", str(tt))
    assert "pooled over 2 clips (11 events)" in human.stdout


def test_config_file_is_validated_and_applied(tmp_path):
    video, truth = dev_clip("TUD-Campus")
    cfg = tmp_path / "cam.yaml"
    cfg.write_text("detector: {name: openvino, model: person-detection-retail-0013}\nstride: 3\n")  # no line: the truth's
    res = run_cli("--video", str(video), "--truth", str(truth), "--config", str(cfg), "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["stride"] == 3 and out["detect_fps"] == out["video_fps"] / 3
    bad = tmp_path / "bad.yaml"
    bad.write_text("tracker: {max_lost: 2}\n")
    res = run_cli("--video", str(video), "--truth", str(truth), "--config", str(bad), "--json")
    assert res.returncode == 2 and "--config" in res.stderr and "tracker" in res.stderr and "Traceback" not in res.stderr
    assert res.stdout == ""


def test_unpaired_video_and_truth_are_refused(synthetic_clip):
    video, truth = synthetic_clip
    res = run_cli("--video", str(video), "--video", str(video), "--truth", str(truth))
    assert res.returncode == 2 and "--video/--truth" in res.stderr and "Traceback" not in res.stderr


def test_config_without_a_line_works_with_a_truth_line_below_the_frame(tmp_path):
    video, truth = dev_clip("PETS09-S2L1")  # its truth line runs to y = 700 of 576 (feet below the frame)
    cfg = tmp_path / "cam.json"
    cfg.write_text('{"stride": 40}')
    res = run_cli("--video", str(video), "--truth", str(truth), "--config", str(cfg), "--json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["stride"] == 40


def test_node_that_cannot_afford_every_frame_falls_back_to_a_measured_stride(tmp_path, two_clips):
    _, (video, truth), default_run = two_clips  # TUD-Campus: 25 fps
    cfg = tmp_path / "cam.yaml"
    cfg.write_text("cpu_share: 0.01\n")  # 0.4 ms of CPU a frame: no real detector pass fits
    res = run_cli("--video", str(video), "--truth", str(truth), "--config", str(cfg), "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["stride"] == 6 and out["detect_fps"] == 25.0 / 6  # the floor: 4 detector passes a second
    full = default_run["clips"][1]
    assert full["video"] == str(video) and full["stride"] == 1  # a whole core: every frame
