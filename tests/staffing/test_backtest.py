"""Backtest acceptance on both scenarios, and the CLI contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from server.staffing.backtest import run_backtest, run_seeds

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("scenario", ["normal", "subsidy-day"])
def test_acceptance_by_shoppers_over_five_seeds(mall, scenario: str) -> None:  # type: ignore[no-untyped-def]
    summary = run_seeds(mall, scenario, [0, 1, 2, 3, 4])
    for run in summary["runs"]:
        fixed = run["baselines"]["fixed_peak"]
        assert run["share_meeting_target"] >= 0.95, run
        assert run["counter_hours"] <= 0.80 * fixed["counter_hours"], run
    assert summary["worst_share_meeting_target"] >= 0.95


def test_one_day_is_judged_shopper_by_shopper(mall) -> None:  # type: ignore[no-untyped-def]
    res = run_backtest(mall, "normal", seed=0)
    assert res["judged"] == "shoppers"
    assert res["shoppers"] == res["checkout_arrivals"] == sum(iv["shoppers"] for iv in res["intervals"])
    assert len(res["intervals"]) == 50
    # the queue guard alone reacts late: its shoppers wait longer than the advisor's
    assert res["baselines"]["queue_guard"]["share_meeting_target"] < res["share_meeting_target"]
    assert res["p90_wait_seconds"] <= res["baselines"]["queue_guard"]["p90_wait_seconds"]


def test_surge_is_reported(mall) -> None:  # type: ignore[no-untyped-def]
    res = run_backtest(mall, "surge", seed=0)
    normal = run_backtest(mall, "normal", seed=0)
    assert res["entries"] > normal["entries"]  # the 20-minute 5x burst is in the counts
    for k in ("share_meeting_target", "p90_wait_seconds", "counter_hours"):
        assert res[k] is not None


def test_cli_json_and_plot(tmp_path: Path) -> None:
    png = tmp_path / "bt.png"
    out = subprocess.run([sys.executable, "-m", "server.staffing", "backtest", "--scenario", "normal", "--json",
                          "--plot", str(png)], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    for k in ("intervals", "share_meeting_target", "counter_hours", "baselines", "p90_wait_seconds"):
        assert k in body
    assert body["judged"] == "shoppers" and 0.0 <= body["share_meeting_target"] <= 1.0
    assert set(body["baselines"]) >= {"fixed_peak", "queue_guard"}
    assert all(b["counter_hours"] > 0 for b in body["baselines"].values())
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "flag"),
    [(["--scenario", "black-friday"], "--scenario"), (["--seed", "x"], "--seed"), (["--day", "2025-13-01"], "--day"),
     (["--seeds", "0"], "--seeds")],
)
def test_cli_bad_args(args: list[str], flag: str) -> None:
    out = subprocess.run([sys.executable, "-m", "server.staffing", "backtest", *args], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, check=False)
    assert out.returncode != 0
    assert flag in out.stderr and "Traceback" not in out.stderr
