"""Minimal ``python -m camera`` entry point (evaluate only; the full CLI merges this)."""

from __future__ import annotations

import argparse
import sys

from camera import cli_evaluate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="camera")
    sub = parser.add_subparsers(dest="command", required=True)
    cli_evaluate.add_parser(sub)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
