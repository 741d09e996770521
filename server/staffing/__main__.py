"""CLI: ``python -m server.staffing backtest --scenario normal|subsidy-day|surge [--seeds N] [--json] [--plot PATH]``."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from core.footfall_model import DEFAULT_DAY, SCENARIOS

DEFAULT_PLOT_DIR = Path(__file__).resolve().parents[2] / "var"


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with one line naming the flag (no traceback)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _day(s: str) -> date:
    try:
        return date.fromisoformat(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2025-06-18, got {s!r}") from None


def _seed(s: str) -> int:
    try:
        v = int(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {s!r}") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {s!r}")
    return v


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m server.staffing", description="Checkout staffing tools.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    b = sub.add_parser("backtest", help="replay a simulated day and compare with baselines")
    b.add_argument("--scenario", choices=SCENARIOS, default="normal", help="footfall scenario")
    b.add_argument("--seed", type=_seed, default=0, help="random seed of the simulated day (default 0)")
    b.add_argument("--day", type=_day, default=DEFAULT_DAY, help=f"simulated date (default {DEFAULT_DAY})")
    b.add_argument("--seeds", type=_seed, default=None, metavar="N",
                   help="run seeds 0..N-1 and report each seed and the worst (no plot)")
    b.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    b.add_argument("--plot", metavar="PATH", help="PNG to write (default var/staffing-backtest-<scenario>.png)")
    b.add_argument("--mall", metavar="FILE", help="mall config file (default: the bundled mall)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from core.mall.loader import MallConfigError, load_mall
    from server.staffing.advisor import ConfigError
    from server.staffing.backtest import format_table, plot, run_backtest, run_seeds

    try:
        mall = load_mall(args.mall)
    except MallConfigError as exc:
        print(f"python -m server.staffing: error: argument --mall: {exc}", file=sys.stderr)
        return 2
    if args.seeds is not None:
        if args.seeds < 1:
            print("python -m server.staffing: error: argument --seeds: must be at least 1", file=sys.stderr)
            return 2
        summary = run_seeds(mall, args.scenario, list(range(args.seeds)), day=args.day)
        if args.json:
            print(json.dumps(summary))
        else:
            print(format_seeds(summary))
        return 0
    plot_path = Path(args.plot) if args.plot else DEFAULT_PLOT_DIR / f"staffing-backtest-{args.scenario}.png"
    if plot_path.exists() and plot_path.is_dir():
        print(f"python -m server.staffing: error: argument --plot: {plot_path} is a directory", file=sys.stderr)
        return 2
    try:
        res = run_backtest(mall, args.scenario, seed=args.seed, day=args.day)
    except ConfigError as exc:
        print(f"python -m server.staffing: error: {exc}", file=sys.stderr)
        return 2
    try:
        written = plot(res, plot_path)
    except OSError as exc:
        print(f"python -m server.staffing: error: argument --plot: cannot write {plot_path}: {exc.strerror}", file=sys.stderr)
        return 2
    res.pop("_series", None)
    res["plot"] = str(written)
    if args.json:
        print(json.dumps(res))
    else:
        print(format_table(res))
        print(f"plot: {written}")
    return 0


def format_seeds(summary: dict) -> str:
    """One line per seed: shoppers within the target, p90 wait, counter-hours against both baselines."""
    lines = [f"scenario={summary['scenario']} seeds={summary['seeds']} (judged by shoppers)",
             f"{'seed':>4} {'shoppers':>8} {'<=2min':>7} {'p90_s':>6} {'c-hours':>8} {'vs fixed':>8} "
             f"{'fixed <=2min':>12} {'fixed c-h':>9} {'guard <=2min':>12} {'guard c-h':>9}"]
    for r in summary["runs"]:
        f, g = r["baselines"]["fixed_peak"], r["baselines"]["queue_guard"]
        lines.append(f"{r['seed']:>4} {r['shoppers']:>8} {r['share_meeting_target']:>7.1%} {r['p90_wait_seconds']:>6.0f} "
                     f"{r['counter_hours']:>8.1f} {r['counter_hours_vs_fixed_peak']:>8.1%} "
                     f"{f['share_meeting_target']:>12.1%} {f['counter_hours']:>9.1f} "
                     f"{g['share_meeting_target']:>12.1%} {g['counter_hours']:>9.1f}")
    lines.append(f"worst share within 2 min {summary['worst_share_meeting_target']:.1%}; most counter-hours "
                 f"{summary['max_counter_hours_vs_fixed_peak']:.1%} of the fixed peak schedule; "
                 f"worst p90 wait {summary['worst_p90_wait_seconds']:.0f} s")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
