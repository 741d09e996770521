"""The checkout wait a shopper joining now can expect: one figure for the kiosk and the manager.

Two ways to tell it:

* the live queue: with ``n`` people in the checkout area (waiting + paying) and
  ``c`` open counters each serving one shopper per ``service_seconds``, a shopper
  joining now has ``max(0, n - c + 1)`` people to wait for at ``c`` per service
  time: wait = max(0, n - c + 1) x service / c.  Under exponential service this
  is the exact conditional mean of M/M/c given the state, and it stays finite
  whatever the demand is;
* the steady state (Erlang C mean wait), which also counts shoppers arriving in
  the next minutes, but only applies while demand is below what the counters
  serve and no backlog is standing.

The figure is the steady state when it applies (never below the live queue),
otherwise the live queue; looked ahead, the queue grows by the arrivals the open
counters cannot take.  Long waits read as a bracket ("over 15 min").
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from server.staffing.erlang import metrics

BRACKET_MINUTES = 15.0  # above this the kiosk says "over 15 min" rather than a precise figure


@dataclass(frozen=True)
class WaitEstimate:
    minutes: float | None  # finite whenever a counter is open
    label: str  # "no wait", "about 3 min", "over 15 min", "no counter open"
    basis: str  # "steady state", "live queue", or "unknown"
    over_bracket: bool
    label_zh: str = ""  # the same label in Chinese, for the manager page in 中文

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def queue_after(queue: float, counters: int, service_seconds: float, lam_per_hour: float, minutes: float) -> float:
    """People in the checkout area after ``minutes`` when arrivals beyond what the counters serve pile up."""
    served_per_min = counters * 60.0 / service_seconds
    growth = max(0.0, lam_per_hour / 60.0 - served_per_min) * minutes
    return max(0.0, queue) + growth


def live_wait_seconds(queue: float, counters: int, service_seconds: float) -> float:
    """Wait of a shopper joining a checkout area holding ``queue`` people with ``counters`` open."""
    if counters <= 0:
        return math.inf
    return max(0.0, queue - counters + 1) * service_seconds / counters


def label(minutes: float | None) -> tuple[str, bool]:
    """The shopper-facing label ("about 3 min", "over 15 min") and whether it is a bracket."""
    if minutes is None:
        return "no counter open", True
    if minutes > BRACKET_MINUTES:
        return f"over {BRACKET_MINUTES:g} min", True
    if minutes < 0.5:
        return "no wait", False
    return f"about {max(1, round(minutes))} min", False


def label_zh(minutes: float | None, basis: str = "") -> str:
    """The Chinese twin of ``label`` (and of "unknown" when nothing is known)."""
    if basis == "unknown":
        return "未知"
    if minutes is None:
        return "没有开放的收银台"
    if minutes > BRACKET_MINUTES:
        return f"超过 {BRACKET_MINUTES:g} 分钟"
    if minutes < 0.5:
        return "无需等待"
    return f"约 {max(1, round(minutes))} 分钟"


def _made(minutes: float | None, basis: str) -> WaitEstimate:
    text, over = label(minutes)
    return WaitEstimate(minutes, text, basis, over, label_zh(minutes, basis))


def estimate(
    queue: int | None, counters: int, service_seconds: float, lam_per_hour: float | None = None,
    ahead_minutes: float = 0.0,
) -> WaitEstimate:
    """The wait for a shopper joining now (or ``ahead_minutes`` from now), from whatever is known."""
    if counters <= 0:
        return _made(None, "live queue")
    steady: float | None = None
    if lam_per_hour is not None and lam_per_hour >= 0:
        m = metrics(counters, lam_per_hour / 3600.0, 1.0 / service_seconds, 0.0)
        if math.isfinite(m.mean_wait) and m.utilisation < 1.0:
            steady = m.mean_wait
    if queue is None:
        if steady is None:
            return WaitEstimate(None, "unknown", "unknown", False, label_zh(None, "unknown"))
        return _made(round(steady / 60.0, 1), "steady state")
    q = queue_after(queue, counters, service_seconds, lam_per_hour or 0.0, ahead_minutes)
    live = live_wait_seconds(q, counters, service_seconds)
    if steady is not None and queue <= counters:
        seconds, basis = max(steady, live), "steady state"
    else:
        seconds, basis = live, "live queue"
    return _made(round(seconds / 60.0, 1), basis)
