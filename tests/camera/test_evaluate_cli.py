"""``python -m camera evaluate`` contract: one JSON object on stdout, clear errors for bad flags."""

from __future__ import annotations

import json
import subprocess
import sys

from camera.evaluate import match_events
from tests.camera.conftest import ROOT


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "camera", "evaluate", *args], cwd=ROOT, check=False,
                          capture_output=True, text=True, timeout=240)


def test_evaluate_json_contract_on_synthetic_clip(synthetic_clip):
    video, truth = synthetic_clip
    res = run_cli("--video", str(video), "--truth", str(truth), "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)  # exactly one JSON document on stdout
    for key in ("events", "counts", "precision", "recall", "f1", "frames", "seconds", "fps", "realtime_factor"):
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
