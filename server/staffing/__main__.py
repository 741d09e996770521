"""CLI: ``python -m server.staffing backtest --scenario normal|subsidy-day [--json] [--plot PATH]``."""

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
    b.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    b.add_argument("--plot", metavar="PATH", help="PNG to write (default var/staffing-backtest-<scenario>.png)")
    b.add_argument("--mall", metavar="FILE", help="mall config file (default: the bundled mall)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from core.mall.loader import MallConfigError, load_mall
    from server.staffing.advisor import ConfigError
    from server.staffing.backtest import format_table, plot, run_backtest

    try:
        mall = load_mall(args.mall)
    except MallConfigError as exc:
        print(f"python -m server.staffing: error: argument --mall: {exc}", file=sys.stderr)
        return 2
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


if __name__ == "__main__":
    raise SystemExit(main())
