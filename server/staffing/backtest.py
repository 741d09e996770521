"""Replay a simulated day through forecaster + advisor, judged on the true arrivals.

At each minute the forecaster sees only the minutes already complete; counters the
advisor calls for serve after the staff lead time; closings are immediate.  A small
stochastic queue (c servers, exponential service) supplies the queue length the
guard looks at.  Each 15-minute interval is judged with Erlang C on the interval's
TRUE arrival rate and the counters actually serving in each of its minutes.

Baselines: a fixed schedule sized for the day's peak interval, and the queue-guard
rule alone (open one when queue/open > limit, close one after a calm spell).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from core.footfall_model import DEFAULT_DAY, DaySeries, simulate_day
from core.mall.schema import MALL_AREA, Mall
from server.staffing.advisor import AdvisorConfig, AdvisorState, advise
from server.staffing.erlang import metrics
from server.staffing.forecast import Calibration, calibrate, forecast

INTERVAL = 15
REFIT_MINUTES = 5  # calibration is the costly part; live the service refits on every run
AFTER_CLOSE_MINUTES = 30  # the tills stay staffed while the last shoppers pay


@dataclass
class Run:
    """Counters serving in each minute and the decisions that led there."""

    serving: np.ndarray
    lam_forecast: np.ndarray  # per hour, forecast for "now" made at each minute
    suggestions: list[dict[str, object]]


def _queue_step(n: int, arrivals: int, c: int, service_seconds: float, rng: np.random.Generator) -> int:
    """One minute of an M/M/c-like queue: returns people in the checkout area."""
    n += arrivals
    busy = min(n, c)
    if busy:
        n -= int(rng.binomial(busy, -math.expm1(-60.0 / service_seconds)))
    return n


def _run_advisor(series: DaySeries, cfg: AdvisorConfig, n_eval: int, close_idx: int, seed: int, mall: Mall) -> Run:
    entries = series.entries.astype(float)
    arrivals = series.checkout_arrivals.astype(float)
    co = mall.checkout
    rng = np.random.default_rng(seed + 7919)
    serving = np.zeros(n_eval, dtype=int)
    lam_fc = np.zeros(n_eval)
    committed = cfg.min_open
    ready: list[tuple[int, int]] = []  # (minute it starts serving, count)
    active = cfg.min_open
    queue = 0
    state = AdvisorState()
    cal: Calibration | None = None
    sugg: list[dict[str, object]] = []
    for m in range(n_eval):
        now = series.start + timedelta(minutes=m)
        if m % REFIT_MINUTES == 0:
            cal = calibrate(entries[:m], arrivals[:m], co.conversion, co.lag_minutes, open_minutes_left=close_idx - m)
        fc = forecast(entries[:m], arrivals[:m], co.conversion, co.lag_minutes, queue_length=queue,
                      open_minutes_left=close_idx - m, calibration=cal)
        s, state = advise(fc, committed, now, cfg, state)
        target = int(s["suggested_open"])  # type: ignore[arg-type]
        if target > committed:
            ready.append((m + math.ceil(cfg.open_lead_minutes), target - committed))
        elif target < committed:
            drop = committed - target
            # cancel not-yet-serving calls first, then close serving counters
            while drop and ready:
                t0, k = ready.pop()
                take = min(k, drop)
                drop -= take
                if k > take:
                    ready.append((t0, k - take))
            active -= drop
        committed = target
        active += sum(k for t0, k in ready if t0 <= m)
        ready = [(t0, k) for t0, k in ready if t0 > m]
        serving[m] = active
        lam_fc[m] = fc.at(0)
        if m % INTERVAL == 0:
            sugg.append(s)
        queue = _queue_step(queue, int(arrivals[m]), active, co.service_seconds, rng)
    return Run(serving, lam_fc, sugg)


def _run_queue_guard(series: DaySeries, cfg: AdvisorConfig, n_eval: int, seed: int, service_seconds: float) -> np.ndarray:
    rng = np.random.default_rng(seed + 7919)
    serving = np.zeros(n_eval, dtype=int)
    active, pending_at, queue, calm = cfg.min_open, None, 0, 0
    lead = math.ceil(cfg.open_lead_minutes)
    for m in range(n_eval):
        if pending_at is not None and pending_at <= m:
            active, pending_at = min(cfg.max_open, active + 1), None
        per = queue / active if active else math.inf
        if per > cfg.queue_per_counter_limit and pending_at is None and active < cfg.max_open:
            pending_at = m + lead
        calm = calm + 1 if per < 1.0 else 0
        if calm >= cfg.close_after_low_minutes and active > cfg.min_open and pending_at is None:
            active, calm = active - 1, 0
        serving[m] = active
        queue = _queue_step(queue, int(series.checkout_arrivals[m]), active, service_seconds, rng)
    return serving


def _judge(true_lam: float, counters: np.ndarray, cfg: AdvisorConfig) -> tuple[float, float, bool]:
    """Time-averaged service level and mean wait over the minutes of an interval."""
    mu = 1.0 / cfg.service_seconds
    ms = [metrics(int(c), true_lam / 3600.0, mu, cfg.target_wait_seconds) for c in counters]
    sl = float(np.mean([m.service_level for m in ms]))
    w = float(np.mean([m.mean_wait for m in ms]))
    ok = all(math.isfinite(m.mean_wait) for m in ms) and sl >= cfg.target_share and (
        cfg.max_mean_wait_seconds is None or w <= cfg.max_mean_wait_seconds
    )
    return sl, w, ok


def run_backtest(
    mall: Mall, scenario: str = "normal", seed: int = 0, day: date = DEFAULT_DAY, cfg: AdvisorConfig | None = None,
) -> dict[str, object]:
    """The whole comparison as one JSON-ready dict."""
    cfg = cfg or AdvisorConfig.from_checkout(mall.checkout)
    series = simulate_day(mall, scenario=scenario, seed=seed, day=day, after_close_minutes=AFTER_CLOSE_MINUTES + 15)
    close_idx = int(len(series.minutes) - AFTER_CLOSE_MINUTES - 15)
    n_eval = close_idx + AFTER_CLOSE_MINUTES
    n_eval -= n_eval % INTERVAL
    run = _run_advisor(series, cfg, n_eval, close_idx, seed, mall)
    guard = _run_queue_guard(series, cfg, n_eval, seed, mall.checkout.service_seconds)
    arr = series.checkout_arrivals[:n_eval].astype(float)
    true_lam = arr.reshape(-1, INTERVAL).sum(axis=1) * (60.0 / INTERVAL)
    peak_need = max(cfg.need(x) for x in true_lam)
    fixed_c = cfg.clamp(peak_need)
    fixed = np.full(n_eval, fixed_c, dtype=int)

    intervals = []
    ok_adv = ok_fix = ok_guard = 0
    for i, lam in enumerate(true_lam):
        sl_m = slice(i * INTERVAL, (i + 1) * INTERVAL)
        sl, w, ok = _judge(lam, run.serving[sl_m], cfg)
        ok_adv += ok
        ok_fix += _judge(lam, fixed[sl_m], cfg)[2]
        g_ok = _judge(lam, guard[sl_m], cfg)[2]
        ok_guard += g_ok
        start = series.start + timedelta(minutes=i * INTERVAL)
        s = run.suggestions[i]
        intervals.append({
            "start": start.strftime("%H:%M"),
            "lambda_true_per_hour": round(float(lam), 1),
            "lambda_forecast_per_hour": round(float(run.lam_forecast[sl_m].mean()), 1),
            "counters_suggested": s["suggested_open"],
            "counters_serving_mean": round(float(run.serving[sl_m].mean()), 2),
            "counters_serving_min": int(run.serving[sl_m].min()),
            "need_true": cfg.need(lam),
            "expected_wait_seconds": round(w, 1) if math.isfinite(w) else None,
            "service_level": round(sl, 3),
            "meets_target": ok,
            "queue_guard_counters_mean": round(float(guard[sl_m].mean()), 2),
            "queue_guard_meets_target": g_ok,
        })
    n = len(intervals)
    hours = lambda a: round(float(a.sum()) / 60.0, 2)  # noqa: E731
    fc_err = [abs(iv["lambda_forecast_per_hour"] - iv["lambda_true_per_hour"]) for iv in intervals]
    return {
        "scenario": scenario,
        "day": series.day.isoformat(),
        "seed": seed,
        "window": f"{series.start.strftime('%H:%M')}-{(series.start + timedelta(minutes=n_eval)).strftime('%H:%M')}",
        "entries": int(series.entries.sum()),
        "checkout_arrivals": int(arr.sum()),
        "true_conversion": round(series.conversion, 4),
        "true_lag_minutes": round(series.lag_minutes, 1),
        "target": {"share": cfg.target_share, "wait_seconds": cfg.target_wait_seconds,
                   "max_mean_wait_seconds": cfg.max_mean_wait_seconds},
        "intervals": intervals,
        "share_meeting_target": round(ok_adv / n, 4),
        "counter_hours": hours(run.serving),
        "forecast_mae_per_hour": round(float(np.mean(fc_err)), 1),
        "baselines": {
            "fixed_peak": {"counters": fixed_c, "share_meeting_target": round(ok_fix / n, 4), "counter_hours": hours(fixed)},
            "queue_guard": {"share_meeting_target": round(ok_guard / n, 4), "counter_hours": hours(guard)},
        },
        "counter_hours_vs_fixed_peak": round(float(run.serving.sum()) / float(fixed.sum()), 4),
        "_series": {"serving": run.serving.tolist(), "guard": guard.tolist(), "fixed": fixed.tolist(),
                    "lam_forecast": run.lam_forecast.tolist(), "start": series.start.isoformat(), "area": MALL_AREA},
    }


def format_table(res: dict[str, object]) -> str:
    """Human-readable per-interval table plus totals."""
    lines = [
        f"backtest scenario={res['scenario']} day={res['day']} seed={res['seed']} window={res['window']}",
        f"entries={res['entries']} checkout arrivals={res['checkout_arrivals']} "
        f"true conversion={res['true_conversion']} true lag~{res['true_lag_minutes']} min",
        f"{'start':>5} {'lam_true/h':>10} {'lam_fc/h':>9} {'sugg':>4} {'serving':>7} {'need':>4} {'wait_s':>7} {'SL':>6} ok",
    ]
    for iv in res["intervals"]:  # type: ignore[union-attr]
        w = iv["expected_wait_seconds"]
        lines.append(
            f"{iv['start']:>5} {iv['lambda_true_per_hour']:>10.1f} {iv['lambda_forecast_per_hour']:>9.1f} "
            f"{iv['counters_suggested']:>4} {iv['counters_serving_mean']:>7.2f} {iv['need_true']:>4} "
            f"{'inf' if w is None else f'{w:.1f}':>7} {iv['service_level']:>6.3f} {'yes' if iv['meets_target'] else 'NO'}"
        )
    b = res["baselines"]  # type: ignore[index]
    lines += [
        "",
        f"{'policy':<14} {'share meeting target':>21} {'counter-hours':>14}",
        f"{'advisor':<14} {res['share_meeting_target']:>21.1%} {res['counter_hours']:>14.1f}",
        f"{'fixed peak':<14} {b['fixed_peak']['share_meeting_target']:>21.1%} {b['fixed_peak']['counter_hours']:>14.1f}"
        f"  ({b['fixed_peak']['counters']} counters all day)",
        f"{'queue guard':<14} {b['queue_guard']['share_meeting_target']:>21.1%} {b['queue_guard']['counter_hours']:>14.1f}",
        f"advisor uses {res['counter_hours_vs_fixed_peak']:.1%} of the fixed-peak counter-hours; "
        f"forecast MAE {res['forecast_mae_per_hour']} arrivals/h",
    ]
    return "\n".join(lines)


def plot(res: dict[str, object], path: str | Path) -> Path:
    """PNG of demand (true and forecast) and counters over the day."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    s = res["_series"]  # type: ignore[index]
    x = np.arange(len(s["serving"])) / 60.0
    from datetime import datetime

    h0 = datetime.fromisoformat(s["start"])
    x = x + h0.hour + h0.minute / 60.0
    iv = res["intervals"]  # type: ignore[assignment]
    xi = np.arange(len(iv)) * INTERVAL / 60.0 + h0.hour + h0.minute / 60.0
    fig, (a1, a2) = plt.subplots(2, 1, figsize=(11, 7), sharex=True)
    a1.step(xi, [r["lambda_true_per_hour"] for r in iv], where="post", label="true arrivals / h (15-min)")
    a1.plot(x, s["lam_forecast"], lw=1, label="forecast for now / h")
    a1.set_ylabel("checkout arrivals per hour")
    a1.legend(loc="upper left")
    a1.set_title(f"Checkout staffing backtest - {res['scenario']} ({res['day']})")
    a2.step(x, s["serving"], where="post", label=f"advisor ({res['share_meeting_target']:.0%} met)")
    a2.step(x, s["fixed"], where="post", ls="--", label="fixed peak")
    a2.step(x, s["guard"], where="post", ls=":", label="queue guard only")
    a2.step(xi, [r["need_true"] for r in iv], where="post", lw=0.8, color="grey", label="needed for true demand")
    a2.set_ylabel("counters serving")
    a2.set_xlabel("hour of day")
    a2.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(p, dpi=90)
    plt.close(fig)
    return p
