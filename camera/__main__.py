"""`python -m camera run | evaluate | setup | simulate`."""

from __future__ import annotations

import argparse
import sys

from camera import cli_evaluate, runner, setup, simulate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m camera", description="Camera node: count people crossing zone entrances.")
    sub = parser.add_subparsers(dest="command", required=True)
    runner.add_parser(sub)
    cli_evaluate.add_parser(sub)
    setup.add_parser(sub)
    simulate.add_parser(sub)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
