"""``camera evaluate`` subcommand: argparse wiring only (logic in camera.evaluate).

One ``--video/--truth`` pair prints one JSON object (the contract: events, counts, precision, recall, f1,
frames, seconds, fps, realtime_factor, plus missed/false events).  Several pairs print
``{"clips": [one such object per pair], "pooled": {...}}``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``evaluate`` on a ``camera`` CLI."""
    p = subparsers.add_parser("evaluate", help="score the default pipeline on videos with counts.json truth")
    p.add_argument("--video", required=True, action="append", help="video file to process (repeat for several clips)")
    p.add_argument("--truth", required=True, action="append", help="counts.json of the --video in the same position")
    p.add_argument("--config", help="camera config file (YAML/JSON, as for `run --config`); its line is replaced by the truth's")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(func=run)
    return p


def _camera_cfg(path: str) -> dict[str, Any]:
    """Validate ``--config`` like the node does; its line (optional here) is replaced by the truth's."""
    from camera.config import ConfigError, parse
    from core.validation import read_yaml_or_json

    label = f"--config {path}"
    try:
        data = read_yaml_or_json(Path(path), label)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    if isinstance(data, dict) and "line" not in data:
        data = {**data, "line": [[0.5, 0.0], [0.5, 1.0]]}  # placeholder: the truth's line is what is scored
    cfg = parse(data, label).pipeline_config()
    cfg.pop("line", None)
    return cfg


def run(args: argparse.Namespace) -> int:
    """Validate flags, evaluate, print; returns the exit code."""
    if len(args.video) != len(args.truth):
        print(f"error: --video/--truth: give them in pairs ({len(args.video)} --video, {len(args.truth)} --truth)", file=sys.stderr)
        return 2
    for video, truth in zip(args.video, args.truth, strict=True):
        if not Path(video).is_file():
            print(f"error: --video: no such file: {video}", file=sys.stderr)
            return 2
        if not Path(truth).is_file():
            print(f"error: --truth: no such file: {truth}", file=sys.stderr)
            return 2
    from camera.config import ConfigError
    from camera.evaluate import evaluate, load_truth, pool
    from camera.models import ModelError

    for truth in args.truth:
        try:
            load_truth(truth)
        except (ValueError, KeyError, TypeError) as exc:
            print(f"error: --truth: {truth}: not a counts.json truth file ({exc.__class__.__name__}: {exc})", file=sys.stderr)
            return 2
    try:
        cfg = _camera_cfg(args.config) if args.config else None
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    results = []
    for video, truth in zip(args.video, args.truth, strict=True):
        try:
            res = evaluate(video, truth, cfg)
        except ModelError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        except FileNotFoundError as exc:
            print(f"error: --video: {exc}", file=sys.stderr)
            return 2
        if res["frames"] == 0:
            print(f"error: --video: no frames could be decoded from {video}", file=sys.stderr)
            return 2
        results.append(res)
    pooled = pool(results)
    if args.json:
        print(json.dumps(results[0] if len(results) == 1 else {"clips": results, "pooled": pooled}))
        return 0
    for res in results:
        print(f"{res['video']}")
        print(f"  frames {res['frames']}  fps {res['fps']:.1f}  realtime x{res['realtime_factor']:.2f}  "
              f"detector every {res['stride']} frame(s)")
        print(f"  counts {res['counts']}  truth {res['truth_counts']}")
        print(f"  precision {res['precision']:.3f}  recall {res['recall']:.3f}  F1 {res['f1']:.3f}")
        for key, label in (("missed", "missed (truth frame)"), ("false", "false (our frame)")):
            if res[key]:
                print(f"  {label}: " + ", ".join(f"{e['frame']} {e['direction']}" for e in res[key]))
    if len(results) > 1:
        print(f"pooled over {pooled['clips']} clips ({pooled['truth_events']} events): precision {pooled['precision']:.3f}  "
              f"recall {pooled['recall']:.3f}  F1 {pooled['f1']:.3f}  ({pooled['fps']:.1f} fps)")
    return 0
