"""Seeded, deterministic footfall model of the mall (pure: no I/O, no Redis).

Flow/agent model with integer head counts per zone, so a step costs a handful of
vectorised binomial/multinomial draws whatever the crowd size:

* visitors arrive through the entrances following a time-of-day curve
  (opening ramp, lunch and evening peaks, weekday factor, 15-minute noise);
* each arrival decides once whether they will buy (the ground-truth conversion);
* people browse zones chosen by popularity (category x floor x capacity), stay an
  exponential dwell, then either go on to another zone or finish;
* buyers who finish walk into the checkout zone (that is a checkout arrival),
  queue there, and leave only as fast as the counters open right now serve them
  (``open_counters``, each one shopper per exponential ``service_seconds``): the
  checkout is an M/M/c queue, so opening counters drains it and too few let it
  grow.  Each payment is a transaction (the POS feed); others leave directly.

So the lag between entering the mall and joining the queue is the browsing time
(a sum of dwells), and ``checkout_arrivals`` is the ground truth the staffing
forecaster is judged against.  Occupancy never goes negative because outflows
are binomial draws from what is there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from core.mall.schema import MALL_AREA, Mall

SCENARIOS = ("normal", "subsidy-day", "surge")
APPLIANCE_CATEGORIES = frozenset({"tv-audio", "laundry", "climate", "kitchen", "cleaning"})
DEFAULT_DAY = date(2025, 6, 18)  # a Wednesday: weekday factor 1.0

# Relative pull of a zone by category (checkout is never browsed, only used to pay).
CATEGORY_POPULARITY: dict[str, float] = {
    "tv-audio": 1.2, "mobile": 1.6, "computing": 1.1, "imaging": 0.8, "smart-home": 1.0,
    "personal-care": 0.9, "climate": 0.6, "kitchen": 0.7, "laundry": 0.6, "cleaning": 0.8,
    "food": 1.3, "household": 0.7, "service": 0.4, "checkout": 0.0,
}
CATEGORY_DWELL_MIN: dict[str, float] = {
    "tv-audio": 8.0, "mobile": 7.0, "computing": 8.0, "imaging": 6.0, "smart-home": 6.0,
    "personal-care": 5.0, "climate": 7.0, "kitchen": 7.0, "laundry": 7.0, "cleaning": 6.0,
    "food": 12.0, "household": 5.0, "service": 6.0,
}
FLOOR_PULL = {1: 1.2, 2: 1.0, 3: 0.85}
WEEKDAY_FACTOR = (0.9, 0.9, 1.0, 1.0, 1.15, 1.35, 1.3)  # Mon..Sun

# Normal weekday: ~8.5 mall entries per minute at the evening peak.
PEAK_ENTRIES_PER_MIN = 8.5
CONTINUE_P = 0.72  # after a zone, chance to visit another one (mean 3.6 zones)
SURGE_START_H, SURGE_MINUTES, SURGE_FACTOR = 16.0, 20.0, 5.0  # "surge": a coach party / flash sale at 16:00
BASE_CONVERSION = 0.30
SUBSIDY_ARRIVALS = 1.5  # whole-mall traffic on a subsidy day
SUBSIDY_APPLIANCE = 3.0  # traffic multiplier in appliance zones
SUBSIDY_CONVERSION = 1.2  # more buyers per visitor
CLOSING_DWELL_MIN = 4.0  # after closing time people finish up quickly
WIND_DOWN_MIN = 30.0  # closing announcements: fewer go on to another zone


@dataclass
class StepCounts:
    """Counts during one step. areas: zone id or entrance id -> (in, out)."""

    areas: dict[str, tuple[int, int]]
    checkout_arrivals: int
    transactions: int = 0  # payments completed during the step
    busy_counters: int = 0  # counters serving someone during the step


@dataclass
class DaySeries:
    """Per-minute arrays of one simulated day (index 0 = ``start``)."""

    scenario: str
    day: date
    start: datetime
    minutes: np.ndarray  # epoch seconds of each minute start
    areas: dict[str, tuple[np.ndarray, np.ndarray]]  # zones, entrances and "mall"
    checkout_arrivals: np.ndarray
    checkout_zone: str | None
    conversion: float  # ground-truth share of entrants who buy (day level)
    lag_minutes: float  # expected entry -> checkout delay of a buyer
    occupancy: np.ndarray = field(default_factory=lambda: np.zeros(0))  # people inside the mall
    transactions: np.ndarray = field(default_factory=lambda: np.zeros(0))  # payments per minute
    busy_seconds: np.ndarray = field(default_factory=lambda: np.zeros(0))  # counter-seconds spent serving per minute
    service_seconds: float = 150.0  # ground-truth mean payment time

    @property
    def entries(self) -> np.ndarray:
        return self.areas[MALL_AREA][0]


def _arrival_shape(hour: float, open_h: float, close_h: float) -> float:
    """Relative entry rate (1.0 ~ evening peak) at a local hour."""
    if hour < open_h or hour >= close_h:
        return 0.0
    s = 0.18 + 0.55 * math.exp(-(((hour - 12.75) / 1.1) ** 2)) + 0.20 * math.exp(-(((hour - 15.5) / 1.8) ** 2))
    s += 0.82 * math.exp(-(((hour - 19.0) / 1.4) ** 2))
    s *= 1.0 - math.exp(-(hour - open_h) / 0.35)  # doors just opened
    s *= min(1.0, (close_h - hour) / 1.2) ** 0.7  # few come in the last hour
    return s


class FootfallModel:
    """Stateful footfall generator; ``step`` advances it by ``dt_seconds``."""

    def __init__(self, mall: Mall, scenario: str = "normal", seed: int = 0, scale: float = 1.0,
                 open_counters: int | None = None) -> None:
        if scenario not in SCENARIOS:
            raise ValueError(f"scenario must be one of {', '.join(SCENARIOS)}; got {scenario!r}")
        if not (scale > 0 and math.isfinite(scale)):
            raise ValueError(f"scale must be a positive number; got {scale!r}")
        self.mall, self.scenario, self.seed, self.scale = mall, scenario, seed, scale
        self.tz = ZoneInfo(mall.mall.timezone)
        self.open_h = _hours(mall.mall.opening_time)
        self.close_h = _hours(mall.mall.closing_time) or 24.0
        self.rng = np.random.default_rng(seed)
        self.zone_ids = [z.id for z in mall.zones]
        self.entrance_ids = [e.id for e in mall.entrances]
        self.checkout_zone = mall.checkout.zone
        self.service_s = float(mall.checkout.service_seconds)
        # Counters serving right now; the simulator sets it from the server, simulate_day from a schedule.
        self.open_counters = mall.checkout.effective_max_open if open_counters is None else int(open_counters)
        self.k_checkout = self.zone_ids.index(self.checkout_zone) if self.checkout_zone else -1
        subsidy = scenario == "subsidy-day"

        pull = np.array([
            CATEGORY_POPULARITY.get(z.category, 1.0) * FLOOR_PULL.get(z.floor, 0.9) * math.sqrt(z.capacity / 100.0)
            for z in mall.zones
        ])
        if self.k_checkout >= 0:
            pull[self.k_checkout] = 0.0
        appliance = np.array([z.category in APPLIANCE_CATEGORIES for z in mall.zones])
        self.arrival_mult = SUBSIDY_ARRIVALS if subsidy else 1.0
        if subsidy and appliance.any() and (~appliance & (pull > 0)).any():
            # Re-weight so appliance zones see SUBSIDY_APPLIANCE x their normal traffic overall.
            s0 = pull[appliance].sum() / pull.sum()
            s1 = min(0.95, SUBSIDY_APPLIANCE * s0 / self.arrival_mult)
            pull = np.where(appliance, pull * (s1 * (1 - s0)) / (s0 * (1 - s1)), pull)
        self.pull = pull / pull.sum()
        dwell = np.array([CATEGORY_DWELL_MIN.get(z.category, 6.0) for z in mall.zones])
        if subsidy:
            dwell = np.where(appliance, dwell * 1.15, dwell)  # comparing deals takes longer
        self.dwell_s = dwell * 60.0
        self.conversion = BASE_CONVERSION * (SUBSIDY_CONVERSION if subsidy else 1.0)
        # Entrances: ground-floor gates and the metro carry most people.
        ew = np.array([1.4 if "metro" in e.id else (0.8 if "parking" in e.id else 1.0) for e in mall.entrances])
        self.entrance_p = ew / ew.sum()

        n = len(self.zone_ids)
        self.browse_buy = np.zeros(n, dtype=np.int64)  # future buyers browsing each zone
        self.browse_no = np.zeros(n, dtype=np.int64)
        self.paying = 0  # buyers inside the checkout zone (queuing + being served)
        self._day_cache: dict[date, tuple[float, np.ndarray]] = {}
        self._empty_out = np.zeros(len(self.entrance_ids), dtype=np.int64)

    # -- ground truth helpers -------------------------------------------------
    @property
    def lag_minutes(self) -> float:
        """Expected browsing time of a buyer: mean zones visited x mean dwell."""
        return float((self.pull * self.dwell_s).sum() / 60.0 / (1.0 - CONTINUE_P))

    def day_params(self, d: date) -> tuple[float, np.ndarray]:
        """(conversion of the day, 15-minute traffic noise) drawn from (seed, date): repeatable."""
        got = self._day_cache.get(d)
        if got is None:
            r = np.random.default_rng([self.seed, d.toordinal(), SCENARIOS.index(self.scenario)])
            conv = float(np.clip(self.conversion * (1.0 + r.normal(0.0, 0.04)), 0.01, 1.0))
            noise = np.exp(r.normal(0.0, 0.08, 96))
            got = self._day_cache[d] = (conv, noise)
        return got

    def entry_rate(self, t: datetime) -> float:
        """Expected mall entries per minute at t (before Poisson noise)."""
        lt = t.astimezone(self.tz)
        h = lt.hour + lt.minute / 60.0 + lt.second / 3600.0
        shape = _arrival_shape(h, self.open_h, self.close_h)
        if shape <= 0.0:
            return 0.0
        _, noise = self.day_params(lt.date())
        block = min(95, int(h * 4))
        surge = SURGE_FACTOR if self.scenario == "surge" and 0 <= (h - SURGE_START_H) * 60 < SURGE_MINUTES else 1.0
        return (PEAK_ENTRIES_PER_MIN * shape * WEEKDAY_FACTOR[lt.weekday()] * self.arrival_mult * self.scale
                * float(noise[block]) * surge)

    @property
    def occupancy(self) -> int:
        return int(self.browse_buy.sum() + self.browse_no.sum() + self.paying)

    # -- the step ---------------------------------------------------------------
    def step(self, t: datetime, dt_seconds: float) -> StepCounts:
        """Advance by dt_seconds ending at t; returns in/out per zone and entrance."""
        if dt_seconds <= 0:
            raise ValueError("dt_seconds must be positive")
        rng = self.rng
        lt = t.astimezone(self.tz)
        h = lt.hour + lt.minute / 60.0 + lt.second / 3600.0
        is_open = self.open_h <= h < self.close_h
        conv_day, _ = self.day_params(lt.date())
        # Conversion dips a little when the mall is crowded (Perdikaki et al.).
        rate = self.entry_rate(t)
        crowd = min(1.5, rate / (PEAK_ENTRIES_PER_MIN * self.arrival_mult * self.scale))
        conv = conv_day * (1.08 - 0.12 * min(1.5, crowd))

        new = int(rng.poisson(rate * dt_seconds / 60.0)) if rate > 0 else 0
        new_buy = int(rng.binomial(new, conv)) if new else 0

        if is_open:
            p_leave = -np.expm1(-dt_seconds / self.dwell_s)
            p_cont = CONTINUE_P * min(1.0, (self.close_h - h) * 60.0 / WIND_DOWN_MIN)
        else:
            p_leave = np.full(len(self.dwell_s), -math.expm1(-dt_seconds / (CLOSING_DWELL_MIN * 60.0)))
            p_cont = 0.0
        out_buy = rng.binomial(self.browse_buy, p_leave)
        out_no = rng.binomial(self.browse_no, p_leave)
        busy = min(self.paying, max(0, self.open_counters))
        paid = int(rng.binomial(busy, -math.expm1(-dt_seconds / self.service_s))) if busy else 0

        n_out_buy, n_out_no = int(out_buy.sum()), int(out_no.sum())
        cont_buy = int(rng.binomial(n_out_buy, p_cont)) if n_out_buy and p_cont else 0
        cont_no = int(rng.binomial(n_out_no, p_cont)) if n_out_no and p_cont else 0
        to_checkout = n_out_buy - cont_buy
        leaving = (n_out_no - cont_no) + paid

        in_buy = rng.multinomial(new_buy + cont_buy, self.pull)
        in_no = rng.multinomial(new - new_buy + cont_no, self.pull)
        self.browse_buy += in_buy - out_buy
        self.browse_no += in_no - out_no
        self.paying += to_checkout - paid

        zin = (in_buy + in_no).tolist()
        zout = (out_buy + out_no).tolist()
        if self.k_checkout >= 0:
            zin[self.k_checkout] += to_checkout
            zout[self.k_checkout] += paid
        ent_in = rng.multinomial(new, self.entrance_p).tolist() if new else [0] * len(self.entrance_ids)
        ent_out = rng.multinomial(leaving, self.entrance_p).tolist() if leaving else [0] * len(self.entrance_ids)
        areas = dict(zip(self.zone_ids, zip(zin, zout, strict=True), strict=True))
        areas.update(zip(self.entrance_ids, zip(ent_in, ent_out, strict=True), strict=True))
        return StepCounts(areas=areas, checkout_arrivals=to_checkout, transactions=paid, busy_counters=busy)


def _hours(t: time) -> float:
    return t.hour + t.minute / 60.0


def simulate_day(
    mall: Mall, scenario: str = "normal", seed: int = 0, day: date = DEFAULT_DAY, step_seconds: int = 10,
    scale: float = 1.0, after_close_minutes: int = 45, open_counters: int | None = None,
) -> DaySeries:
    """Run the model from opening to closing + after_close_minutes; per-minute arrays.

    ``open_counters`` (default: every counter) serve the checkout queue all day.
    """
    if step_seconds <= 0 or (60 % step_seconds and step_seconds % 60):
        raise ValueError("step_seconds must divide 60 or be a multiple of 60")
    model = FootfallModel(mall, scenario=scenario, seed=seed, scale=scale, open_counters=open_counters)
    tz = ZoneInfo(mall.mall.timezone)
    start = datetime.combine(day, mall.mall.opening_time, tzinfo=tz)
    end = datetime.combine(day, mall.mall.closing_time, tzinfo=tz)
    if end <= start:
        end += timedelta(days=1)
    n_min = int((end - start).total_seconds() // 60) + after_close_minutes
    keys = model.zone_ids + model.entrance_ids
    ins = {k: np.zeros(n_min, dtype=np.int64) for k in keys}
    outs = {k: np.zeros(n_min, dtype=np.int64) for k in keys}
    arrivals = np.zeros(n_min, dtype=np.int64)
    tx = np.zeros(n_min, dtype=np.int64)
    busy_s = np.zeros(n_min)
    occ = np.zeros(n_min, dtype=np.int64)
    total = n_min * 60
    elapsed = 0
    while elapsed < total:
        elapsed += step_seconds
        sc = model.step(start + timedelta(seconds=elapsed), float(step_seconds))
        i = min(n_min - 1, (elapsed - 1) // 60)
        for k, (a, b) in sc.areas.items():
            ins[k][i] += a
            outs[k][i] += b
        arrivals[i] += sc.checkout_arrivals
        tx[i] += sc.transactions
        busy_s[i] += sc.busy_counters * step_seconds
        occ[i] = model.occupancy
    mall_in = sum((ins[e] for e in model.entrance_ids), np.zeros(n_min, dtype=np.int64))
    mall_out = sum((outs[e] for e in model.entrance_ids), np.zeros(n_min, dtype=np.int64))
    areas = {k: (ins[k], outs[k]) for k in keys}
    areas[MALL_AREA] = (mall_in, mall_out)
    t0 = int(start.timestamp())
    return DaySeries(
        scenario=scenario, day=day, start=start, minutes=t0 + 60 * np.arange(n_min, dtype=np.int64), areas=areas,
        checkout_arrivals=arrivals, checkout_zone=model.checkout_zone,
        conversion=float(arrivals.sum() / max(1, mall_in.sum())), lag_minutes=model.lag_minutes, occupancy=occ,
        transactions=tx, busy_seconds=busy_s, service_seconds=model.service_s,
    )
