"""The footfall simulator: plays every camera of the mall through the real ingest API with real tokens.

Each camera gets its own spool and pusher, exactly the path a camera node uses, so a simulated
count is indistinguishable from a real one on the server.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import signal
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from camera.push import Pusher
from camera.spool import Spool
from core.footfall_model import SCENARIOS, FootfallModel
from core.mall.loader import MallConfigError, load_mall
from core.mall.schema import Mall

log = logging.getLogger("camera.simulate")


def cameras_by_area(mall: Mall) -> dict[str, list[str]]:
    """Zone id or entrance id → its cameras (a zone with two doors splits its flow between them)."""
    out: dict[str, list[str]] = {}
    for c in mall.cameras:
        out.setdefault(c.zone or c.entrance or "", []).append(c.id)
    return out


def split(n: int, k: int, rng: random.Random) -> list[int]:
    parts = [0] * k
    for _ in range(n):
        parts[rng.randrange(k)] += 1
    return parts


class Simulator:
    def __init__(self, mall: Mall, server: str, tokens: dict[str, str], spool_dir: Path, scenario: str = "normal",
                 scale: float = 1.0, seed: int = 0, skip: set[str] | None = None, sim_start: datetime | None = None,
                 speed: float = 1.0) -> None:
        self.mall = mall
        self.model = FootfallModel(mall, scenario, seed, scale)
        self.rng = random.Random(seed)
        self.by_area = {a: [c for c in cams if c not in (skip or set())] for a, cams in cameras_by_area(mall).items()}
        missing = [c.id for c in mall.cameras if c.id not in tokens and c.id not in (skip or set())]
        if missing:
            raise SystemExit(f"--tokens: no token for cameras {', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}")
        self.pushers = {
            cam: Pusher(server, cam, tokens[cam], Spool(spool_dir / f"{cam}.sqlite"), interval=1.0, heartbeat_every=5.0)
            for cams in self.by_area.values() for cam in cams
        }
        tz = ZoneInfo(mall.mall.timezone)
        self.sim_clock = sim_start or datetime.now(tz)
        self.speed = speed
        self.sent_in = self.sent_out = 0

    def warm_up(self, minutes: float, dt: float = 15.0) -> None:
        """Fast-forward the model so the mall is already busy when the demo opens; the people it moved
        arrive at the server as one event per camera, so server occupancy matches the model."""
        self.sim_clock -= timedelta(minutes=minutes)
        totals: dict[str, list[int]] = {}
        for _ in range(int(minutes * 60 / dt)):
            self.sim_clock += timedelta(seconds=dt)
            for area, (cin, cout) in self.model.step(self.sim_clock, dt).areas.items():
                acc = totals.setdefault(area, [0, 0])
                acc[0] += cin
                acc[1] += cout
        self._spool({a: (v[0], v[1]) for a, v in totals.items()})

    def step(self, dt: float) -> None:
        """Advance the model by dt simulated seconds; spool each camera's share with the real time."""
        self.sim_clock += timedelta(seconds=dt)
        self._spool(self.model.step(self.sim_clock, dt).areas)

    def _spool(self, areas: dict[str, tuple[int, int]]) -> None:
        now = time.time()
        for area, (cin, cout) in areas.items():
            cams = self.by_area.get(area) or []
            if not cams or (cin == 0 and cout == 0):
                continue
            for cam, i, o in zip(cams, split(cin, len(cams), self.rng), split(cout, len(cams), self.rng), strict=True):
                if i or o:
                    self.pushers[cam].spool.append(now, i, o)
                    self.sent_in += i
                    self.sent_out += o

    def run(self, stop: threading.Event, duration: float | None = None) -> None:
        threads = [p.start() for p in self.pushers.values()]
        t_end = time.monotonic() + duration if duration else None
        last = time.monotonic()
        try:
            while not stop.is_set() and (t_end is None or time.monotonic() < t_end):
                stop.wait(1.0)
                now = time.monotonic()
                self.step((now - last) * self.speed)
                last = now
        finally:
            for _, ev in threads:
                ev.set()
            for th, _ in threads:
                th.join(5)


def default_start(mall: Mall) -> datetime:
    """Now if the mall is open; otherwise late morning, so a demo at night still shows a live mall."""
    tz = ZoneInfo(mall.mall.timezone)
    now = datetime.now(tz)
    if mall.mall.opening_time <= now.time() < mall.mall.closing_time:
        return now
    return now.replace(hour=11, minute=0, second=0, microsecond=0)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("simulate", help="play every camera of the mall through the ingest API")
    p.add_argument("--server", default="http://127.0.0.1:5000")
    p.add_argument("--tokens", default="var/demo/camera_tokens.json", help="JSON {camera_id: token} from 'flask demo setup'")
    p.add_argument("--mall", default=None, help="mall config file (default: the built-in mall)")
    p.add_argument("--scenario", choices=SCENARIOS, default="normal")
    p.add_argument("--scale", type=float, default=6.0, help="traffic multiplier (1.0 = a quiet weekday)")
    p.add_argument("--warmup", type=float, default=90.0, help="simulated minutes played at start-up so the mall is busy")
    p.add_argument("--speed", type=float, default=1.0, help="simulated seconds per real second")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--skip", action="append", default=[], help="camera id played by a real camera node")
    p.add_argument("--spool-dir", default="var/sim-spool")
    p.add_argument("--duration", type=float, default=None, help="stop after N seconds")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s simulate %(levelname)s %(message)s")
    try:
        mall = load_mall(args.mall)
    except MallConfigError as exc:
        print(f"error: --mall: {exc}", file=sys.stderr)
        return 2
    try:
        tokens = json.loads(Path(args.tokens).read_text())
    except (OSError, ValueError) as exc:
        print(f"error: --tokens: cannot read {args.tokens}: {exc}", file=sys.stderr)
        return 2
    if args.scale <= 0 or args.speed <= 0:
        print("error: --scale and --speed must be positive", file=sys.stderr)
        return 2
    sim = Simulator(mall, args.server, tokens, Path(args.spool_dir), args.scenario, args.scale, args.seed,
                    set(args.skip), default_start(mall), args.speed)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if args.warmup > 0:
        sim.warm_up(args.warmup)
    log.info("simulating %d cameras (%s, scale %.1f) into %s", len(sim.pushers), args.scenario, args.scale, args.server)
    sim.run(stop, args.duration)
    log.info("stopped: %d in, %d out spooled", sim.sent_in, sim.sent_out)
    return 0
