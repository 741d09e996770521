"""Query-string numbers for every API: a 400 naming the parameter, never a 500 or a silent default."""

from __future__ import annotations

import math

from flask import request

from server.errors import ApiError


def query_number(name: str, default: float | None, lo: float, hi: float, lo_open: bool = False, hi_open: bool = False,
                 integer: bool = False) -> float:
    """`request.args[name]` as a finite number in [lo, hi] (ends open where asked); `default` when absent."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        if default is None:
            raise ApiError(400, "missing", f"query parameter {name} is required", name)
        return float(default)
    try:
        v = float(int(raw)) if integer else float(raw)
    except ValueError:
        kind = "an integer" if integer else "a number"
        raise ApiError(400, "invalid", f"{name} must be {kind}, got {raw[:20]!r}", name) from None
    too_low = v <= lo if lo_open else v < lo
    too_high = v >= hi if hi_open else v > hi
    if not math.isfinite(v) or too_low or too_high:
        lb, hb = ("(" if lo_open else "["), (")" if hi_open else "]")
        raise ApiError(400, "out_of_range", f"{name} must be in {lb}{lo:g}, {hi:g}{hb}, got {raw[:20]}", name)
    return v
