"""The footfall simulator: plays every camera of the mall through the real ingest API with real tokens.

Each camera gets its own spool and pusher, exactly the path a camera node uses, so a simulated
count is indistinguishable from a real one on the server.  The demo world answers back: the
checkout is a queue served only by the counters the server says are open (read every few
seconds), and each payment goes out on the transactions feed.  Model time is event time:
back-filled past days and the warm-up since opening are sent with their own past times, so
they land in their real minutes.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import random
import signal
import sys
import threading
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from camera.push import Pusher
from camera.sim_feed import CountersReader, HistoryPoster, TransactionsFeed
from camera.spool import Spool
from core.footfall_model import SCENARIOS, FootfallModel, StepCounts, simulate_day
from core.mall.loader import MallConfigError, load_mall
from core.mall.schema import MALL_AREA, Mall

log = logging.getLogger("camera.simulate")

COUNTERS_POLL_SECONDS = 3.0
WARMUP_STEP_SECONDS = 15.0
WARMUP_STAFFING_HEADROOM = 1.3  # counters during the warm-up: offered load x this, plus one


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
                 scale: float = 1.0, seed: int = 0, skip: set[str] | None = None, api_token: str | None = None) -> None:
        self.mall = mall
        self.scenario, self.scale, self.seed = scenario, scale, seed
        self.tz = ZoneInfo(mall.mall.timezone)
        co = mall.checkout
        self.model = FootfallModel(mall, scenario, seed, scale, open_counters=co.min_open)
        self.rng = random.Random(seed)
        self.by_area = {a: [c for c in cams if c not in (skip or set())] for a, cams in cameras_by_area(mall).items()}
        missing = [c.id for c in mall.cameras if c.id not in tokens and c.id not in (skip or set())]
        if missing:
            raise SystemExit(f"--tokens: no token for cameras {', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}")
        self.pushers = {
            cam: Pusher(server, cam, tokens[cam], Spool(spool_dir / f"{cam}.sqlite"), interval=1.0, heartbeat_every=5.0)
            for cams in self.by_area.values() for cam in cams
        }
        self.history = HistoryPoster(server, tokens)
        self.counters = CountersReader(server, [c.id for c in co.counters], co.min_open)
        self.feed = TransactionsFeed(server, api_token)
        self.clock = time.time()
        self.sent_in = self.sent_out = 0

    # -- what already happened ----------------------------------------------------------------
    def _per_camera(self, minutes: np.ndarray, areas: dict[str, tuple[np.ndarray, np.ndarray]], t_end: float,
                    one_camera: bool = False, rng: random.Random | None = None) -> dict[str, list[tuple[float, int, int]]]:
        """Minute arrays per area → events per camera, stamped in the middle of their minute (never after t_end).

        ``one_camera``: each store area's whole flow goes through one of its cameras (all entrances through one
        entrance camera), so the server applies it in time order.  Cameras post in parallel; split over several
        cameras, exits could land before the entries they follow and be clamped at zero, leaving today's
        occupancy too high.
        """
        out: dict[str, list[tuple[float, int, int]]] = defaultdict(list)
        rng = rng or self.rng
        if one_camera:
            areas = _merge_entrances(areas, self.model.entrance_ids)
        for area, (ins, outs) in areas.items():
            cams = self.by_area.get(area) or []
            if not cams or area == MALL_AREA:
                continue
            if one_camera:
                cams = cams[:1]
            for m, a, b in zip(minutes.tolist(), ins.tolist(), outs.tolist(), strict=True):
                t = min(float(m) + 30.0, t_end)
                if (a or b) and t <= t_end:
                    for cam, i, o in zip(cams, split(a, len(cams), rng), split(b, len(cams), rng), strict=True):
                        if i or o:
                            out[cam].append((t, i, o))
        return out

    def backfill(self, days: int, today: date | None = None) -> None:
        """Play the previous ``days`` days (normal traffic) into their real minutes, with their transactions."""
        today = today or datetime.now(self.tz).date()
        counter_ids = [c.id for c in self.mall.checkout.counters]
        for back in range(days, 0, -1):
            d = today - timedelta(days=back)
            s = simulate_day(self.mall, "normal", seed=self.seed * 1000 + d.toordinal() % 1000, day=d, scale=self.scale)
            # The same day is always split the same way, so a resend is all duplicates.
            day_rng = random.Random(f"{self.seed}-{d.isoformat()}")
            self.history.post(f"hist-{d:%Y%m%d}", self._per_camera(s.minutes, s.areas, time.time(), rng=day_rng))
            for m, tx, busy in zip(s.minutes.tolist(), s.transactions.tolist(), s.busy_seconds.tolist(), strict=True):
                # busy counter-seconds of the minute as whole counters busy all minute
                self._spread_transactions(int(m), int(tx), round(float(busy) / 60.0), 60.0, counter_ids)
            self.feed.flush()
            log.info("back-filled %s: %d entries, %d transactions", d, int(s.entries.sum()), int(s.transactions.sum()))

    def warm_up(self, minutes: float | None = None) -> None:
        """Run the model from today's opening (or ``minutes`` ago) to now; send it with its own event times."""
        now = time.time()
        local = datetime.fromtimestamp(now, self.tz)
        opening = datetime.combine(local.date(), self.mall.mall.opening_time, tzinfo=self.tz).timestamp()
        start = now - minutes * 60.0 if minutes is not None else opening
        start = max(start, now - 12 * 3600.0)
        n_min = int((now - start) // 60)
        if n_min <= 0:
            return
        t0 = now - n_min * 60.0
        keys = self.model.zone_ids + self.model.entrance_ids
        ins = {k: np.zeros(n_min, dtype=np.int64) for k in keys}
        outs = {k: np.zeros(n_min, dtype=np.int64) for k in keys}
        steps = int(60 / WARMUP_STEP_SECONDS)
        co = self.mall.checkout
        ids = [c.id for c in co.counters]
        recent: list[int] = []  # checkout arrivals of the last 15 minutes
        for i in range(n_min):
            # The morning already played was staffed sensibly: enough counters for the last 15 minutes' demand.
            per_min = sum(recent[-15:]) / max(1, len(recent[-15:]))
            n_open = math.ceil(per_min * co.service_seconds / 60.0 * WARMUP_STAFFING_HEADROOM) + 1
            open_ids = ids[: max(co.min_open, min(co.effective_max_open, n_open))]
            arrived = 0
            for j in range(steps):
                t = t0 + i * 60.0 + (j + 1) * WARMUP_STEP_SECONDS
                sc = self._step(t, WARMUP_STEP_SECONDS, open_ids)
                arrived += sc.checkout_arrivals
                for k, (a, b) in sc.areas.items():
                    ins[k][i] += a
                    outs[k][i] += b
            recent.append(arrived)
        minutes_ts = (t0 + 60.0 * np.arange(n_min)).astype(np.int64)
        self.history.post(f"warm-{int(now)}", self._per_camera(minutes_ts, {k: (ins[k], outs[k]) for k in keys}, now,
                                                               one_camera=True))
        self.feed.flush(int(now // 60 * 60))
        self.clock = now
        log.info("warm-up: %d minutes since %s sent with their own times", n_min,
                 datetime.fromtimestamp(t0, self.tz).strftime("%H:%M"))

    # -- live ---------------------------------------------------------------------------------------
    def _step(self, t: float, dt: float, open_ids: list[str]) -> StepCounts:
        self.model.open_counters = len(open_ids)
        sc = self.model.step(datetime.fromtimestamp(t, self.tz), dt)
        self._spread_transactions(int(t // 60 * 60), sc.transactions, sc.busy_counters, dt, open_ids)
        return sc

    def _spread_transactions(self, minute: int, tx: int, busy: int, seconds: float, counter_ids: list[str]) -> None:
        """Give the payments of a step to the ``busy`` counters that served during its ``seconds``."""
        serving = counter_ids[: max(1, min(len(counter_ids), busy))] if counter_ids else []
        if not serving or (tx == 0 and busy == 0):
            return
        for cid, k in zip(serving, split(tx, len(serving), self.rng), strict=True):
            self.feed.add(minute, cid, k, seconds if busy else 0.0)

    def step(self, dt: float) -> None:
        """Advance the model by dt seconds ending now; spool each camera's share with that time."""
        self.clock += dt
        sc = self._step(self.clock, dt, self.counters.open_ids)
        self._spool(sc.areas, self.clock)

    def _spool(self, areas: dict[str, tuple[int, int]], t: float) -> None:
        for area, (cin, cout) in areas.items():
            cams = self.by_area.get(area) or []
            if not cams or (cin == 0 and cout == 0):
                continue
            for cam, i, o in zip(cams, split(cin, len(cams), self.rng), split(cout, len(cams), self.rng), strict=True):
                if i or o:
                    self.pushers[cam].spool.append(t, i, o)
                    self.sent_in += i
                    self.sent_out += o

    def run(self, stop: threading.Event, duration: float | None = None) -> None:
        threads = [p.start() for p in self.pushers.values()]
        t_end = time.monotonic() + duration if duration else None
        last_poll = 0.0
        try:
            while not stop.is_set() and (t_end is None or time.monotonic() < t_end):
                stop.wait(1.0)
                if time.monotonic() - last_poll >= COUNTERS_POLL_SECONDS:
                    self.counters.refresh()
                    last_poll = time.monotonic()
                now = time.time()
                if now > self.clock:
                    self.step(now - self.clock)
                self.feed.flush(int(now // 60 * 60))
        finally:
            for _, ev in threads:
                ev.set()
            for th, _ in threads:
                th.join(5)


def _merge_entrances(areas: dict[str, tuple[np.ndarray, np.ndarray]], entrances: list[str],
                     ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """All entrances' flow under the first entrance (they all count into the whole-mall area)."""
    present = [e for e in entrances if e in areas]
    if len(present) < 2:
        return areas
    out = {k: v for k, v in areas.items() if k not in present}
    out[present[0]] = (sum(areas[e][0] for e in present), sum(areas[e][1] for e in present))  # type: ignore[assignment]
    return out


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("simulate", help="play every camera of the mall through the ingest API")
    p.add_argument("--server", default="http://127.0.0.1:5000")
    p.add_argument("--tokens", default="var/demo/camera_tokens.json", help="JSON {camera_id: token} from 'flask demo setup'")
    p.add_argument("--api-token-file", default=None, help="API token for the transactions feed (none: no feed)")
    p.add_argument("--mall", default=None, help="mall config file (default: the built-in mall)")
    p.add_argument("--scenario", choices=SCENARIOS, default="normal")
    p.add_argument("--scale", type=float, default=1.0,
                   help="traffic multiplier (1.0 = the weekday the default mall's 16 counters are sized for)")
    p.add_argument("--warmup", type=float, default=None,
                   help="minutes played at start-up, sent with their own times (default: since today's opening)")
    p.add_argument("--history-days", type=int, default=0, help="past days back-filled into their real minutes")
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
    api_token = None
    if args.api_token_file:
        try:
            api_token = Path(args.api_token_file).read_text().strip()
        except OSError as exc:
            print(f"error: --api-token-file: cannot read {args.api_token_file}: {exc.strerror}", file=sys.stderr)
            return 2
    if args.scale <= 0 or (args.warmup is not None and args.warmup < 0) or not 0 <= args.history_days <= 13:
        print("error: --scale must be positive, --warmup >= 0, --history-days 0..13", file=sys.stderr)
        return 2
    sim = Simulator(mall, args.server, tokens, Path(args.spool_dir), args.scenario, args.scale, args.seed,
                    set(args.skip), api_token)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        if args.history_days:
            sim.backfill(args.history_days)
        if args.warmup is None or args.warmup > 0:
            sim.warm_up(args.warmup)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    log.info("simulating %d cameras (%s, scale %.1f) into %s", len(sim.pushers), args.scenario, args.scale, args.server)
    sim.run(stop, args.duration)
    log.info("stopped: %d in, %d out spooled; %d transactions sent", sim.sent_in, sim.sent_out, sim.feed.sent)
    return 0
