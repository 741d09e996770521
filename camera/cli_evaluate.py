"""``camera evaluate`` subcommand: argparse wiring only (logic in camera.evaluate)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``evaluate`` on a ``camera`` CLI."""
    p = subparsers.add_parser("evaluate", help="score the default pipeline on a video with counts.json truth")
    p.add_argument("--video", required=True, help="video file to process")
    p.add_argument("--truth", required=True, help="counts.json with counting_line and events")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Validate flags, evaluate, print; returns the exit code."""
    if not Path(args.video).is_file():
        print(f"error: --video: no such file: {args.video}", file=sys.stderr)
        return 2
    if not Path(args.truth).is_file():
        print(f"error: --truth: no such file: {args.truth}", file=sys.stderr)
        return 2
    from camera.evaluate import evaluate, load_truth

    try:
        load_truth(args.truth)
    except (ValueError, KeyError, TypeError) as exc:
        print(f"error: --truth: not a counts.json truth file ({exc.__class__.__name__}: {exc})", file=sys.stderr)
        return 2
    try:
        res = evaluate(args.video, args.truth)
    except FileNotFoundError as exc:
        print(f"error: --video: {exc}", file=sys.stderr)
        return 2
    if res["frames"] == 0:
        print(f"error: --video: no frames could be decoded from {args.video}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(res))
    else:
        print(f"frames {res['frames']}  fps {res['fps']:.1f}  realtime x{res['realtime_factor']:.2f}")
        print(f"counts {res['counts']}  truth {res['truth_counts']}")
        print(f"precision {res['precision']:.3f}  recall {res['recall']:.3f}  F1 {res['f1']:.3f}")
    return 0
