"""Discrete-event simulation of the checkout, shopper by shopper (simpy).

One FIFO queue feeds the counters (field notes: a single line beats a line per
counter).  Counter k serves while k < ``open`` and waits otherwise; a counter
told to close finishes the shopper it is serving first.  Every minute a policy
sees what a manager would see (minute index, people in the checkout area,
counters serving) and names the counters it wants; openings serve after the
staff lead time, closings are immediate, and a not-yet-serving call is cancelled
before a serving counter closes.  The queue carries over from minute to minute,
so a late opening is paid for by every shopper behind it.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import simpy

# (minute index, people in the checkout area, counters serving now) -> counters wanted
Policy = Callable[[int, int, int], int]


@dataclass
class DesResult:
    waits: np.ndarray  # seconds each shopper waited before being served (nan: never served)
    arrival_minute: np.ndarray  # minute each shopper joined the queue
    serving: np.ndarray  # counters serving in each minute
    queue: np.ndarray  # people in the checkout area at each minute start


def shoppers(arrivals_per_minute: np.ndarray, service_seconds: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Arrival times (uniform within their minute) and exponential service times, the same for every policy."""
    rng = np.random.default_rng([seed, 104729])
    counts = np.asarray(arrivals_per_minute, dtype=np.int64)
    minute = np.repeat(np.arange(len(counts)), counts)
    t = np.sort((minute + rng.random(len(minute))) * 60.0)
    return t, rng.exponential(service_seconds, len(t))


def simulate(
    arrival_times: np.ndarray, service_times: np.ndarray, n_minutes: int, policy: Policy, max_open: int,
    initial_open: int, lead_minutes: float,
) -> DesResult:
    env = simpy.Environment()
    queue: deque[int] = deque()
    waits = np.full(len(arrival_times), np.nan)
    state = {"open": initial_open, "busy": 0}
    wake: list[simpy.Event] = [env.event()]
    serving = np.zeros(n_minutes, dtype=int)
    qlen = np.zeros(n_minutes, dtype=int)

    def signal() -> None:
        ev, wake[0] = wake[0], env.event()
        ev.succeed()

    def counter(k: int):  # type: ignore[no-untyped-def]
        while True:
            if k >= state["open"] or not queue:
                yield wake[0]
                continue
            i = queue.popleft()
            waits[i] = env.now - arrival_times[i]
            state["busy"] += 1
            yield env.timeout(service_times[i])
            state["busy"] -= 1

    def arrivals():  # type: ignore[no-untyped-def]
        for i, t in enumerate(arrival_times):
            if t > env.now:
                yield env.timeout(t - env.now)
            queue.append(i)
            signal()

    def controller():  # type: ignore[no-untyped-def]
        committed = initial_open
        ready: list[tuple[float, int]] = []  # (time it starts serving, count)
        lead = math.ceil(lead_minutes) * 60.0
        for m in range(n_minutes):
            in_area = len(queue) + state["busy"]
            qlen[m] = in_area
            target = max(0, min(max_open, int(policy(m, in_area, state["open"]))))
            if target > committed:
                ready.append((env.now + lead, target - committed))
            elif target < committed:
                drop = committed - target
                while drop and ready:
                    t0, k = ready.pop()
                    take = min(k, drop)
                    drop -= take
                    if k > take:
                        ready.append((t0, k - take))
                state["open"] -= drop
            committed = target
            due = sum(k for t0, k in ready if t0 <= env.now)
            ready = [(t0, k) for t0, k in ready if t0 > env.now]
            if due:
                state["open"] += due
            signal()
            serving[m] = state["open"]
            yield env.timeout(60.0)

    for k in range(max_open):
        env.process(counter(k))
    env.process(arrivals())
    env.process(controller())
    env.run(until=n_minutes * 60.0 + 6 * 3600.0)  # long enough for the last shoppers to be served
    return DesResult(waits, (arrival_times // 60).astype(int), serving, qlen)


def summarise(waits: np.ndarray, target_wait_seconds: float) -> dict[str, float | int | None]:
    """Share of shoppers waiting at most the target, p90 and mean wait (seconds)."""
    w = waits[np.isfinite(waits)]
    n = len(waits)
    if n == 0:
        return {"shoppers": 0, "share_within_target": None, "p90_wait_seconds": None, "mean_wait_seconds": None}
    return {
        "shoppers": n,
        "share_within_target": round(float((w <= target_wait_seconds).sum()) / n, 4),
        "p90_wait_seconds": round(float(np.quantile(np.where(np.isfinite(waits), waits, np.inf), 0.9)), 1),
        "mean_wait_seconds": round(float(w.mean()), 1) if len(w) else None,
    }
