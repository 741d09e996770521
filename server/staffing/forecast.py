"""Checkout arrival rate now, in 15 and in 30 minutes.

Model: arrivals(t) ~= conversion x entries(t - lag), entries smoothed over a few
minutes because the lag is a spread (browsing time), not a constant.  With
lag ~25 min the next 30 minutes depend mostly on entries we have already
counted; the few minutes beyond "now" are extrapolated from the recent level.

Signals used, all minute series ending at the last complete minute:
* whole-mall entries (area "mall") - the leading signal;
* checkout-zone entries (= checkout arrivals) - calibrate conversion/lag and a
  short-term level correction;
* checkout-zone occupancy (in - out) - the queue right now, turned into a
  backlog the advisor must drain.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

SMOOTH_MINUTES = 9  # width of the moving average applied to entries
FIT_WINDOW_MINUTES = 120
MIN_FIT_ARRIVALS = 40  # below this, the defaults from config are used
LAG_RANGE = (5, 60)
CORRECTION_WINDOW = 30
CORRECTION_BOUNDS = (0.7, 1.5)
HORIZONS = (0, 15, 30)
FLUSH_BEFORE, FLUSH_AFTER = 30.0, 5.0  # window (minutes around closing) of the last buyers


@dataclass(frozen=True)
class Calibration:
    """Fitted (or default) conversion and lag, with how well they explain the data."""

    conversion: float
    lag_minutes: float
    rmse_per_minute: float | None  # residual of the fit, arrivals per minute
    relative_error: float | None  # rmse / mean arrivals
    samples: int
    fitted: bool
    note: str = ""


@dataclass(frozen=True)
class Forecast:
    """Checkout arrival rates (per hour) at now, +15 and +30 minutes, with their inputs."""

    lam_per_hour: dict[int, float]  # horizon minutes -> arrivals per hour
    observed_per_hour: float | None  # checkout arrivals over the last 15 minutes
    queue_length: int | None  # people in the checkout zone now (waiting + paying)
    correction: float  # recent observed / model ratio applied to the model
    calibration: Calibration
    entries_last_15: int
    notes: list[str] = field(default_factory=list)

    def at(self, minutes_ahead: float) -> float:
        """Rate at any horizon in [0, 30] by linear interpolation."""
        hs = sorted(self.lam_per_hour)
        return float(np.interp(minutes_ahead, hs, [self.lam_per_hour[h] for h in hs]))

    def as_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["lam_per_hour"] = {str(k): round(v, 2) for k, v in self.lam_per_hour.items()}
        return d


def _smooth(x: np.ndarray, width: int) -> np.ndarray:
    """Centred moving average (edges use the available part)."""
    if width <= 1 or len(x) == 0:
        return x.astype(float)
    k = np.ones(width)
    num = np.convolve(x.astype(float), k, mode="same")
    den = np.convolve(np.ones(len(x)), k, mode="same")
    return num / den


def fit_conversion_lag(
    entries: Sequence[float], arrivals: Sequence[float], lags: Sequence[int] | None = None,
    smooth: int = SMOOTH_MINUTES,
) -> Calibration:
    """Least squares of arrivals on conversion x smoothed entries shifted by each candidate lag.

    Both series are per-minute and aligned (same last minute).  The best integer
    lag is refined to a fraction of a minute by a parabola through the errors.
    """
    e = np.asarray(entries, dtype=float)
    y = np.asarray(arrivals, dtype=float)
    if e.shape != y.shape:
        raise ValueError("entries and arrivals must have the same length")
    lags = list(lags) if lags is not None else list(range(LAG_RANGE[0], LAG_RANGE[1] + 1))
    if not lags or min(lags) < 0:
        raise ValueError("candidate lags must be non-negative")
    xs = _smooth(e, smooth)
    max_lag = max(lags)
    if len(y) - max_lag < 20:
        raise ValueError(f"need at least {max_lag + 20} minutes of history to fit lags up to {max_lag}")
    yy = y[max_lag:]
    sse: list[float] = []
    convs: list[float] = []
    for lag in lags:
        x = xs[max_lag - lag: len(xs) - lag]
        sxx = float(x @ x)
        conv = float(x @ yy) / sxx if sxx > 0 else 0.0
        r = yy - conv * x
        sse.append(float(r @ r))
        convs.append(conv)
    i = int(np.argmin(sse))
    lag_best = float(lags[i])
    if 0 < i < len(lags) - 1 and lags[i + 1] - lags[i] == lags[i] - lags[i - 1]:
        s0, s1, s2 = sse[i - 1], sse[i], sse[i + 1]
        den = s0 - 2 * s1 + s2
        if den > 0:
            lag_best += 0.5 * (s0 - s2) / den * (lags[i + 1] - lags[i])
    rmse = math.sqrt(sse[i] / len(yy))
    mean_y = float(yy.mean())
    return Calibration(
        conversion=convs[i], lag_minutes=lag_best, rmse_per_minute=rmse,
        relative_error=rmse / mean_y if mean_y > 0 else None, samples=len(yy), fitted=True,
    )


def calibrate(
    entries: Sequence[float], arrivals: Sequence[float] | None, default_conversion: float, default_lag: float,
    window: int = FIT_WINDOW_MINUTES,
) -> Calibration:
    """Fit on the trailing window when there is enough signal; otherwise the configured defaults."""
    if arrivals is None:
        return Calibration(default_conversion, default_lag, None, None, 0, False, "no checkout history")
    e = np.asarray(entries, dtype=float)[-(window + LAG_RANGE[1]):]
    y = np.asarray(arrivals, dtype=float)[-(window + LAG_RANGE[1]):]
    if len(e) < LAG_RANGE[1] + 20 or y[LAG_RANGE[1]:].sum() < MIN_FIT_ARRIVALS:
        return Calibration(default_conversion, default_lag, None, None, 0, False, "not enough history yet")
    cal = fit_conversion_lag(e, y)
    # A fit at the edge of the lag range or with a silly conversion is not trusted.
    if not (LAG_RANGE[0] < cal.lag_minutes < LAG_RANGE[1]) or not (0.01 <= cal.conversion <= 1.0):
        return Calibration(default_conversion, default_lag, cal.rmse_per_minute, cal.relative_error, cal.samples,
                           False, "fit rejected (lag at range edge or conversion out of bounds)")
    return cal


def _future_entries(e: np.ndarray, minutes: int, open_minutes_left: float | None) -> np.ndarray:
    """Entries for the next minutes: recent level with a damped trend, zero after closing."""
    if minutes <= 0:
        return np.zeros(0)
    recent = e[-10:] if len(e) else np.zeros(1)
    prior = e[-20:-10] if len(e) >= 20 else recent
    level = float(recent.mean())
    slope = (level - float(prior.mean())) / 10.0
    steps = np.arange(1, minutes + 1)
    fut = np.maximum(0.0, level + slope * np.minimum(steps, 10) * 0.5)
    if open_minutes_left is not None:
        fut[steps > max(0.0, open_minutes_left)] = 0.0
    return fut


def forecast(
    entries: Sequence[float], checkout_arrivals: Sequence[float] | None, conversion: float, lag_minutes: float,
    queue_length: int | None = None, open_minutes_left: float | None = None, fit: bool = True,
    smooth: int = SMOOTH_MINUTES,
) -> Forecast:
    """Forecast from trailing minute series (last element = the last complete minute)."""
    e = np.asarray(entries, dtype=float)
    y = None if checkout_arrivals is None else np.asarray(checkout_arrivals, dtype=float)
    if y is not None and len(y) != len(e):
        raise ValueError("entries and checkout arrivals must cover the same minutes")
    notes: list[str] = []
    cal = calibrate(e, y, conversion, lag_minutes) if fit else Calibration(conversion, lag_minutes, None, None, 0, False, "fit disabled")
    if cal.note:
        notes.append(cal.note)
    lag = max(0.0, cal.lag_minutes)
    ahead = int(math.ceil(max(HORIZONS) - lag + smooth))
    ext = np.concatenate([e, _future_entries(e, ahead, open_minutes_left)])
    xs = _smooth(ext, smooth)
    n = len(e)

    grid = np.arange(len(xs))

    def natural(minute_index: float) -> float:
        j = minute_index - lag
        if j < 0 or len(xs) == 0:
            return 0.0
        return cal.conversion * float(np.interp(j, grid, xs))

    close = None if open_minutes_left is None else n + open_minutes_left
    flush = 0.0
    if close is not None:
        # Closing announcements: whoever would pay after closing pays in the last
        # minutes before it or just after, so that mass is spread over that window.
        tail = np.arange(math.ceil(close - FLUSH_BEFORE), math.ceil(close + lag + smooth) + 1)
        flush = sum(natural(t) for t in tail) / (FLUSH_BEFORE + FLUSH_AFTER)

    def model_at(minute_index: float) -> float:
        """Per-minute model arrivals at a (fractional) index of the extended series."""
        if close is not None and minute_index >= close - FLUSH_BEFORE:
            return flush if minute_index < close + FLUSH_AFTER else 0.0
        return natural(minute_index)

    correction = 1.0
    observed = None
    if y is not None and n >= 15:
        observed = float(y[-15:].sum()) * 4.0
        w = min(CORRECTION_WINDOW, n)
        pred = sum(model_at(n - w + k) for k in range(w))
        obs = float(y[-w:].sum())
        if pred >= 15 and obs >= 5:
            # Shrink towards 1 when few arrivals back the ratio.
            raw = obs / pred
            weight = pred / (pred + 30.0)
            correction = float(np.clip(1.0 + weight * (raw - 1.0), *CORRECTION_BOUNDS))
    lam = {h: max(0.0, model_at(n + h) * correction * 60.0) for h in HORIZONS}
    return Forecast(
        lam_per_hour=lam, observed_per_hour=observed, queue_length=queue_length, correction=correction,
        calibration=cal, entries_last_15=int(e[-15:].sum()) if n else 0, notes=notes,
    )
