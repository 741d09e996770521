"""When a dismissed suggestion comes back: the dismissal lapses on a demand change or after a while.

A manager who dismisses "open 2 more" at 60 shoppers an hour has not said anything
about 600 an hour; so the dismissal holds only while demand stays within a stated
share of what it was, the suggested count and the open counters stay the same,
and for a stated time at most.
"""

from __future__ import annotations

from typing import Any

LAPSE_DEMAND_SHARE = 0.30  # demand moving by more than this share (either way) ends a dismissal
LAPSE_DEMAND_FLOOR_PER_HOUR = 10.0  # ... and by at least this many shoppers an hour (small numbers are noise)
LAPSE_MINUTES = 20.0  # a dismissal never lasts longer than this


def _lam(s: dict[str, Any]) -> float | None:
    v = ((s.get("explanation") or {}).get("lambda_per_hour") or {}).get("0")
    return float(v) if isinstance(v, int | float) else None


def terms(suggestion: dict[str, Any], now: float) -> dict[str, Any]:
    """What a dismissal record keeps so it can tell later whether it still holds (stated to the manager too)."""
    return {
        "lambda_per_hour": _lam(suggestion),
        "lapses_at": now + LAPSE_MINUTES * 60.0,
        "lapses_on_demand_change": LAPSE_DEMAND_SHARE,
        "text": f"holds until demand moves by more than {LAPSE_DEMAND_SHARE:.0%} or for {LAPSE_MINUTES:g} min",
    }


def lapse_reason(dismissed: dict[str, Any], suggestion: dict[str, Any], now: float) -> str | None:
    """Why the dismissal no longer holds for this suggestion, or None while it does."""
    at = dismissed.get("lapses_at")
    if not isinstance(at, int | float):
        at = float(dismissed.get("ts") or 0.0) + LAPSE_MINUTES * 60.0
    if now >= at:
        return f"dismissal lapsed after {LAPSE_MINUTES:g} min"
    then, lam = dismissed.get("lambda_per_hour"), _lam(suggestion)
    if isinstance(then, int | float) and lam is not None:
        moved = abs(lam - then)
        if moved > max(LAPSE_DEMAND_SHARE * then, LAPSE_DEMAND_FLOOR_PER_HOUR):
            return f"demand moved from {then:.0f} to {lam:.0f} shoppers/h (more than {LAPSE_DEMAND_SHARE:.0%})"
    if suggestion.get("suggested_open") != dismissed.get("suggested_open"):
        return f"the suggestion changed to {suggestion.get('suggested_open')} counters"
    if dismissed.get("open_before") is not None and suggestion.get("open_now") != dismissed.get("open_before"):
        return "the open counters changed"
    return None
