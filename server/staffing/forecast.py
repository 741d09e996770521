"""Checkout arrival rate now, in 15 and in 30 minutes.

Model: arrivals(t) = conversion x sum_k w_k entries(t - k), where w is the
distribution of browsing time between entering the mall and joining the
checkout queue, with mean ``lag``.  Its shape is fitted too: a point shift
(everyone browses exactly ``lag``; entries are lightly smoothed) or a gamma
spread (shape 1 = exponential, what a random number of exponential dwells
gives).  With lag ~25 min the next 30 minutes depend mostly on entries already
counted; the minutes beyond "now" are extrapolated from the recent level, and
nobody enters after closing.

Signals, all minute series ending at the last complete minute:
* whole-mall entries (area "mall"): the leading signal;
* checkout-zone entries (= checkout arrivals): calibration of conversion, lag
  and shape, plus a short-term level correction;
* checkout-zone occupancy (in - out): the queue right now, which the advisor
  turns into a backlog to drain and into the "one in front" guard.

Physical sense: both minute series are first cleared of single spiky minutes (a
camera flushing a stale spool into one minute, one camera pushing nonsense), and
no forecast exceeds what the mall can send to the tills: the plausible highest
conversion times the entries that could still be browsing.  A fit that is not
plausible is never used: the last good fit stands in, or the configured defaults,
and the calibration says which (``source``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
from scipy.ndimage import median_filter
from scipy.special import gammainc

SMOOTH_MINUTES = 1  # boxcar of the point-shift kernel (1: keep minute detail, it identifies the lag)
OUTPUT_SMOOTH = 9  # forecasts average the model over this many minutes around the horizon
FIT_WINDOW_MINUTES = 360  # conversion and lag drift slowly; a long window identifies the lag
MIN_FIT_ARRIVALS = 40  # below this, the defaults from config are used
LAG_RANGE = (5, 60)
SHAPES: tuple[float, ...] = (1.0, 2.0, 4.0, math.inf)  # gamma shapes tried; inf = point shift
DEFAULT_SHAPE = 2.0  # used before any fit: browsing time is spread, not fixed
CORRECTION_WINDOW = 15
CORRECTION_BOUNDS = (0.7, 1.5)
HORIZONS = (0, 15, 30)
FLUSH_BEFORE, FLUSH_AFTER = 30.0, 3.0  # around closing, the last buyers pay within this window
CONVERSION_RANGE = (0.05, 0.6)  # plausible share of entrants who buy (field notes: 20-40 %, subsidy days more)
SPIKE_WINDOW = 15  # minutes of the running median a single minute is judged against
SPIKE_SIGMAS = 5.0  # a minute above median + this many Poisson sigmas is clipped to that line
PEAK_LEVEL_MINUTES = 10  # the entry level the demand bound uses: highest 10-minute mean of the trailing hour


@dataclass(frozen=True)
class Calibration:
    """Fitted (or default) conversion, lag and kernel shape, with how well they explain the data."""

    conversion: float
    lag_minutes: float
    shape: float | None  # gamma shape of the browsing time; None = point shift
    rmse_per_minute: float | None  # residual of the fit, arrivals per minute
    relative_error: float | None  # rmse / mean arrivals
    samples: int
    fitted: bool  # the values in use come from a fit (this one or the last good one)
    note: str = ""
    source: str = "fit"  # "fit", "last good fit", or "configured defaults"
    fitted_at: float | None = None  # epoch seconds of the fit in use, when known
    note_zh: str = ""  # ``note`` in Chinese, for the manager page in 中文


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
    notes_zh: list[str] = field(default_factory=list)  # the same notes in Chinese, index for index
    bound_per_hour: float | None = None  # the most the mall can send to the tills right now
    bounded: bool = False  # a horizon was cut to the bound
    spikes_clipped: int = 0  # minutes of the history clipped as spikes
    confidence: dict[str, object] = field(default_factory=dict)  # level, interval per horizon, why

    def at(self, minutes_ahead: float) -> float:
        """Rate at any horizon in [0, 30] by linear interpolation."""
        hs = sorted(self.lam_per_hour)
        return float(np.interp(minutes_ahead, hs, [self.lam_per_hour[h] for h in hs]))

    def as_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["lam_per_hour"] = {str(k): round(v, 2) for k, v in self.lam_per_hour.items()}
        return d


def kernel(lag: float, shape: float | None, smooth: int = SMOOTH_MINUTES) -> np.ndarray:
    """Weights w_k (k = 0, 1, ... minutes) of the entry -> checkout delay; they sum to 1."""
    if shape is None or math.isinf(shape):
        lo = math.floor(lag)
        frac = lag - lo
        w = np.zeros(lo + 2 + smooth)
        half = smooth // 2
        for j in range(-half, smooth - half):
            for k, wt in ((lo + j, 1.0 - frac), (lo + 1 + j, frac)):
                if k >= 0:
                    w[k] += wt / smooth
        return w / w.sum()
    theta = max(lag, 0.1) / shape
    n = math.ceil(lag * (1.0 + 4.0 / math.sqrt(shape))) + 3
    cdf = gammainc(shape, np.arange(n + 1) / theta)
    w = np.diff(cdf)
    return w / w.sum()


def _apply(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Causal convolution: out[t] = sum_k w[k] x[t - k]."""
    return np.convolve(x, w)[: len(x)]


def fit_conversion_lag(
    entries: Sequence[float], arrivals: Sequence[float], lags: Sequence[float] | None = None,
    shapes: Sequence[float] = SHAPES, warmup: int | None = None,
) -> Calibration:
    """Least squares of arrivals on conversion x (entries convolved with each candidate kernel).

    Both series are per-minute and aligned.  The first ``warmup`` minutes (default:
    the longest lag) only feed the convolution.  The best lag is refined to a
    fraction of a minute by a parabola through the errors of its neighbours.
    """
    e = np.asarray(entries, dtype=float)
    y = np.asarray(arrivals, dtype=float)
    if e.shape != y.shape:
        raise ValueError("entries and arrivals must have the same length")
    lag_list = [float(v) for v in (lags if lags is not None else range(LAG_RANGE[0], LAG_RANGE[1] + 1))]
    if not lag_list or min(lag_list) < 0:
        raise ValueError("candidate lags must be non-negative")
    skip = int(max(lag_list)) if warmup is None else warmup
    if len(y) - skip < 20:
        raise ValueError(f"need at least {skip + 20} minutes of history to fit lags up to {max(lag_list):g}")
    yy = y[skip:]
    best: tuple[float, float, float | None, list[float], int] | None = None  # sse, conv, shape, sse list, index
    for shape in shapes:
        sh = None if math.isinf(shape) else shape
        sses, convs = [], []
        for lag in lag_list:
            x = _apply(e, kernel(lag, sh))[skip:]
            sxx = float(x @ x)
            conv = float(x @ yy) / sxx if sxx > 0 else 0.0
            r = yy - conv * x
            sses.append(float(r @ r))
            convs.append(conv)
        i = int(np.argmin(sses))
        if best is None or sses[i] < best[0]:
            best = (sses[i], convs[i], sh, sses, i)
    assert best is not None
    sse, conv, shape_best, sses, i = best
    lag_best = lag_list[i]
    if 0 < i < len(lag_list) - 1:
        s0, s1, s2 = sses[i - 1], sses[i], sses[i + 1]
        den = s0 - 2 * s1 + s2
        step = (lag_list[i + 1] - lag_list[i - 1]) / 2.0
        if den > 0:
            lag_best += float(np.clip(0.5 * (s0 - s2) / den, -0.5, 0.5)) * step
    rmse = math.sqrt(sse / len(yy))
    mean_y = float(yy.mean())
    return Calibration(
        conversion=conv, lag_minutes=lag_best, shape=shape_best, rmse_per_minute=rmse,
        relative_error=rmse / mean_y if mean_y > 0 else None, samples=len(yy), fitted=True,
    )


def calibrate(
    entries: Sequence[float], arrivals: Sequence[float] | None, default_conversion: float, default_lag: float,
    window: int = FIT_WINDOW_MINUTES, open_minutes_left: float | None = None, last_good: Calibration | None = None,
) -> Calibration:
    """Fit on the trailing window when there is enough signal; otherwise the last good fit or the defaults.

    Minutes after the closing wind-down started are left out: shoppers hurry then,
    which says nothing about the usual lag.  A fit with a lag at the edge of the
    range or an implausible conversion is rejected and says so in ``note``.
    """

    def fallback(note: str, note_zh: str, fit: Calibration | None = None) -> Calibration:
        if last_good is not None and last_good.fitted:
            return Calibration(**{**asdict(last_good), "note": f"{note}; using the last good fit",
                                  "note_zh": f"{note_zh}；沿用上次有效的拟合", "source": "last good fit"})
        return Calibration(default_conversion, default_lag, DEFAULT_SHAPE,
                           fit.rmse_per_minute if fit else None, fit.relative_error if fit else None,
                           fit.samples if fit else 0, False, f"{note}; using the configured defaults",
                           "configured defaults", note_zh=f"{note_zh}；使用配置的默认值")

    if arrivals is None:
        return fallback("no checkout history", "没有收银历史数据")
    warm = 2 * LAG_RANGE[1]
    e, _ = clip_spikes(entries)
    y, _ = clip_spikes(arrivals)
    if open_minutes_left is not None and open_minutes_left < FLUSH_BEFORE:
        cut = max(0, len(e) - math.ceil(FLUSH_BEFORE - open_minutes_left))
        e, y = e[:cut], y[:cut]
    e, y = e[-(window + warm):], y[-(window + warm):]
    if len(e) < warm + 30 or y[warm:].sum() < MIN_FIT_ARRIVALS:
        return fallback("not enough history yet", "历史数据还不够")
    cal = fit_conversion_lag(e, y, warmup=warm)
    if not (LAG_RANGE[0] < cal.lag_minutes < LAG_RANGE[1]):
        return fallback(f"fit rejected: lag {cal.lag_minutes:.1f} min at the edge of {LAG_RANGE[0]}-{LAG_RANGE[1]}",
                        f"拟合被拒绝：延迟 {cal.lag_minutes:.1f} 分钟处于 {LAG_RANGE[0]}-{LAG_RANGE[1]} 的边缘", cal)
    if not (CONVERSION_RANGE[0] <= cal.conversion <= CONVERSION_RANGE[1]):
        return fallback(f"fit rejected: conversion {cal.conversion:.3f} outside "
                        f"{CONVERSION_RANGE[0]:g}-{CONVERSION_RANGE[1]:g}",
                        f"拟合被拒绝：转化率 {cal.conversion:.3f} 超出 {CONVERSION_RANGE[0]:g}-{CONVERSION_RANGE[1]:g}", cal)
    return cal


def clip_spikes(x: Sequence[float]) -> tuple[np.ndarray, int]:
    """Clip minutes far above their running median (Poisson sigmas); returns (series, minutes clipped).

    A real rise lasts: after a few minutes it is the median itself, so only
    isolated bursts are cut.  Negative or non-finite values become 0.
    """
    a = np.nan_to_num(np.asarray(x, dtype=float), nan=0.0, posinf=0.0, neginf=0.0)
    a = np.maximum(a, 0.0)
    if len(a) < 3:
        return a, 0
    med = median_filter(a, size=min(SPIKE_WINDOW, len(a) | 1), mode="nearest")
    cap = med + SPIKE_SIGMAS * np.sqrt(med + 1.0) + 2.0
    over = a > cap
    return np.where(over, cap, a), int(over.sum())


def demand_bound_per_hour(
    entries: np.ndarray, open_minutes_left: float | None = None, conversion_hi: float = CONVERSION_RANGE[1],
) -> float:
    """Highest checkout arrival rate the mall can produce now: top conversion x entries still browsing.

    The steady flow is at most the busiest 10 minutes of entries in the last hour;
    near closing everyone of the last hour may head to the tills within half an
    hour, so then that rush rate counts too.
    """
    e = np.asarray(entries, dtype=float)[-LAG_RANGE[1]:]
    if len(e) == 0:
        return 0.0
    k = min(PEAK_LEVEL_MINUTES, len(e))
    peak = float(np.convolve(e, np.ones(k) / k, mode="valid").max())
    closing = open_minutes_left is not None and open_minutes_left < FLUSH_BEFORE + max(HORIZONS)
    rush = float(e.sum()) / FLUSH_BEFORE if closing else 0.0
    return conversion_hi * max(peak, rush) * 60.0


def _confidence(lam: dict[int, float], cal: Calibration, bounded: bool, spikes: int, history: int) -> dict[str, object]:
    """How sure the forecast is: a 90 % band per horizon (Poisson noise of 15 minutes plus model error) and why."""
    model_err = cal.relative_error if (cal.fitted and cal.relative_error is not None) else 0.35
    model_err = min(1.0, max(0.1, model_err * 0.5))  # per-minute residuals average down over 15 minutes
    why: list[str] = []
    why_zh: list[str] = []

    def say(en: str, zh: str) -> None:
        why.append(en)
        why_zh.append(zh)

    if not cal.fitted:
        say("conversion and lag are the configured defaults", "转化率和延迟为配置的默认值")
    elif cal.source != "fit":
        say("the latest fit was rejected; the last good one is used", "最新拟合被拒绝，沿用上次有效的拟合")
    if bounded:
        say("the model was cut to what the mall can send", "预测已限制在商场客流可能达到的上限")
    if spikes:
        say(f"{spikes} spiky minutes clipped", f"已削除 {spikes} 个异常峰值分钟")
    if history < 2 * LAG_RANGE[1]:
        say("less than two hours of counts", "计数不足两小时")
    bands = {}
    for h, v in lam.items():
        n15 = v / 4.0  # arrivals in a 15-minute interval
        sd = math.sqrt(n15 + (model_err * n15) ** 2 * (1.0 + h / 30.0))
        bands[str(h)] = [round(max(0.0, n15 - 1.64 * sd) * 4.0, 1), round((n15 + 1.64 * sd) * 4.0, 1)]
    level = "high" if not why else ("low" if (not cal.fitted or bounded or history < LAG_RANGE[1]) else "medium")
    return {"level": level, "interval_per_hour": bands, "reasons": why, "reasons_zh": why_zh}


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
        fut[steps > open_minutes_left] = 0.0
    return fut


def _wind_down(nat: np.ndarray, ext: np.ndarray, w: np.ndarray, cal: Calibration, close: float) -> np.ndarray:
    """Replace the model after the closing announcements start.

    Buyers still browsing then (and those who still come in) hurry: the hazard of
    heading for the tills rises linearly from 1/lag to 1/FLUSH_AFTER at closing.
    """
    out = nat.copy()
    a = max(0, math.ceil(close - FLUSH_BEFORE))
    if a >= len(out):
        return out
    tail = np.cumsum(w[::-1])[::-1]  # tail[k] = P(delay >= k)
    ks = np.arange(1, min(a, len(w) - 1) + 1)
    pool = cal.conversion * float((ext[a - ks] * tail[ks]).sum()) if len(ks) else 0.0
    h0, h1 = 1.0 / max(cal.lag_minutes, 1.0), 1.0 / FLUSH_AFTER
    for t in range(a, len(out)):
        frac = min(1.0, (t - a) / FLUSH_BEFORE) ** 0.5
        pool += cal.conversion * float(ext[t]) if t < len(ext) else 0.0
        go = pool * -math.expm1(-(h0 + (h1 - h0) * frac))
        out[t] = go
        pool -= go
    return out


def forecast(
    entries: Sequence[float], checkout_arrivals: Sequence[float] | None, conversion: float, lag_minutes: float,
    queue_length: int | None = None, open_minutes_left: float | None = None, fit: bool = True,
    calibration: Calibration | None = None, last_good: Calibration | None = None,
) -> Forecast:
    """Forecast from trailing minute series (last element = the last complete minute).

    ``calibration`` reuses an earlier fit (fitting is the costly part); otherwise
    one is made from the history when ``fit`` and there is enough of it.
    """
    if checkout_arrivals is not None and len(checkout_arrivals) != len(entries):
        raise ValueError("entries and checkout arrivals must cover the same minutes")
    e, spikes = clip_spikes(entries)
    y = None
    if checkout_arrivals is not None:
        y, spikes_y = clip_spikes(checkout_arrivals)
        spikes += spikes_y
    notes: list[str] = []
    notes_zh: list[str] = []
    if calibration is not None:
        cal = calibration
    elif fit:
        cal = calibrate(e, y, conversion, lag_minutes, open_minutes_left=open_minutes_left, last_good=last_good)
    else:
        cal = Calibration(conversion, lag_minutes, DEFAULT_SHAPE, None, None, 0, False, "fit disabled",
                          "configured defaults", note_zh="未启用拟合")
    if cal.note:
        notes.append(cal.note)
        notes_zh.append(cal.note_zh)
    n = len(e)
    close = None if open_minutes_left is None else n + open_minutes_left
    ahead = max(HORIZONS) + 1
    if close is not None:
        ahead = max(ahead, math.ceil(close - n + FLUSH_AFTER) + 1)
    w = kernel(max(0.0, cal.lag_minutes), cal.shape)
    horizon = ahead + len(w) + 1  # far enough to hold every buyer still browsing
    ext = np.concatenate([e, _future_entries(e, horizon, open_minutes_left)])
    nat = cal.conversion * _apply(ext, w)  # per-minute model arrivals on the extended grid
    if close is not None and close - FLUSH_BEFORE < len(nat):
        nat = _wind_down(nat, ext, w, cal, close)

    def model_at(i: int) -> float:
        return float(nat[i]) if 0 <= i < len(nat) else 0.0

    correction = 1.0
    observed = None
    if y is not None and n >= 15:
        observed = float(y[-15:].sum()) * 4.0
        cw = min(CORRECTION_WINDOW, n)
        pred = float(nat[n - cw:n].sum())
        obs = float(y[-cw:].sum())
        if pred >= 15 and obs >= 5:
            # Shrink towards 1 when few arrivals back the ratio.
            weight = pred / (pred + 30.0)
            correction = float(np.clip(1.0 + weight * (obs / pred - 1.0), *CORRECTION_BOUNDS))
    half = OUTPUT_SMOOTH // 2
    lam = {
        h: max(0.0, float(np.mean([model_at(n + h + k) for k in range(-min(half, h), half + 1)])) * correction * 60.0)
        for h in HORIZONS
    }
    bound = demand_bound_per_hour(e, open_minutes_left)
    bounded = any(v > bound for v in lam.values())
    lam = {h: float(min(v, bound)) if math.isfinite(v) else bound for h, v in lam.items()}
    if bounded:
        notes.append(f"forecast cut to {bound:.0f}/h: at most {CONVERSION_RANGE[1]:.0%} of recent entries can buy")
        notes_zh.append(f"预测限制为 {bound:.0f}/h：最近进场的人最多 {CONVERSION_RANGE[1]:.0%} 会购买")
    if spikes:
        notes.append(f"{spikes} spiky minutes clipped")
        notes_zh.append(f"已削除 {spikes} 个异常峰值分钟")
    return Forecast(
        lam_per_hour=lam, observed_per_hour=observed, queue_length=queue_length, correction=correction,
        calibration=cal, entries_last_15=int(e[-15:].sum()) if n else 0, notes=notes, notes_zh=notes_zh,
        bound_per_hour=round(bound, 1), bounded=bounded, spikes_clipped=spikes,
        confidence=_confidence(lam, cal, bounded, spikes, n),
    )
