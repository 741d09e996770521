"""Replay a simulated day through forecaster + advisor, judged shopper by shopper.

At each minute the forecaster sees only the minutes already complete (whole-mall
entries and checkout-zone entries, as the cameras count them) and the people in
the checkout area; the advisor's calls serve after the staff lead time.  The
checkout itself is a discrete-event simulation of individual shoppers
(``server.staffing.des``, simpy): each shopper's own wait, one queue carried
over from minute to minute.  Erlang C stays the planning model; it is not the
judge.

Baselines on the same shoppers (same arrival and service times): a fixed
schedule sized for the day's peak 15-minute interval, and the queue-guard rule
alone (open one when the checkout area holds more than the limit per open
counter, close one after a calm spell).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from core.footfall_model import DEFAULT_DAY, DaySeries, simulate_day
from core.mall.schema import MALL_AREA, Mall
from server.staffing.advisor import AdvisorConfig, AdvisorState, advise
from server.staffing.des import DesResult, shoppers, simulate, summarise
from server.staffing.forecast import Calibration, calibrate, forecast

INTERVAL = 15
REFIT_MINUTES = 5  # calibration is the costly part; live the service refits on every run
AFTER_CLOSE_MINUTES = 30  # the tills stay staffed while the last shoppers pay


@dataclass
class AdvisorPolicy:
    """The live advisor as a DES policy: sees complete minutes of counts and the checkout area now."""

    series: DaySeries
    cfg: AdvisorConfig
    close_idx: int
    conversion: float
    lag_minutes: float
    committed: int = 0
    state: AdvisorState = field(default_factory=AdvisorState)
    cal: Calibration | None = None
    lam_forecast: list[float] = field(default_factory=list)
    suggestions: list[dict[str, object]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.committed = self.cfg.min_open
        self.entries = self.series.entries.astype(float)
        self.arrivals = self.series.checkout_arrivals.astype(float)

    def __call__(self, m: int, in_area: int, serving: int) -> int:
        now = self.series.start + timedelta(minutes=m)
        left = self.close_idx - m
        if m % REFIT_MINUTES == 0:
            self.cal = calibrate(self.entries[:m], self.arrivals[:m], self.conversion, self.lag_minutes,
                                 open_minutes_left=left, last_good=self.cal)
        fc = forecast(self.entries[:m], self.arrivals[:m], self.conversion, self.lag_minutes, queue_length=in_area,
                      open_minutes_left=left, calibration=self.cal)
        s, self.state = advise(fc, self.committed, now, self.cfg, self.state)
        self.committed = int(s["suggested_open"])  # type: ignore[arg-type]
        self.lam_forecast.append(fc.at(0))
        if m % INTERVAL == 0:
            self.suggestions.append(s)
        return self.committed


@dataclass
class QueueGuardPolicy:
    """Open one more when the area holds more than the limit per counter; close one after a calm spell."""

    cfg: AdvisorConfig
    committed: int = 0
    calm: int = 0

    def __post_init__(self) -> None:
        self.committed = self.cfg.min_open

    def __call__(self, m: int, in_area: int, serving: int) -> int:
        per = in_area / serving if serving else math.inf
        settled = self.committed == serving  # no opening on its way
        if per > self.cfg.queue_per_counter_limit and settled and self.committed < self.cfg.max_open:
            self.committed += 1
        self.calm = self.calm + 1 if per < 1.0 else 0
        if self.calm >= self.cfg.close_after_low_minutes and self.committed > self.cfg.min_open and settled:
            self.committed -= 1
            self.calm = 0
        return self.committed


def _policy_figures(res: DesResult, target_wait: float) -> dict[str, object]:
    out = summarise(res.waits, target_wait)
    out["counter_hours"] = round(float(res.serving.sum()) / 60.0, 2)
    return out


def run_backtest(
    mall: Mall, scenario: str = "normal", seed: int = 0, day: date = DEFAULT_DAY, cfg: AdvisorConfig | None = None,
) -> dict[str, object]:
    """The whole comparison as one JSON-ready dict; shares are shares of shoppers."""
    cfg = cfg or AdvisorConfig.from_checkout(mall.checkout)
    co = mall.checkout
    series = simulate_day(mall, scenario=scenario, seed=seed, day=day, after_close_minutes=AFTER_CLOSE_MINUTES + 15)
    close_idx = int(len(series.minutes) - AFTER_CLOSE_MINUTES - 15)
    n_eval = close_idx + AFTER_CLOSE_MINUTES
    n_eval -= n_eval % INTERVAL
    arr = series.checkout_arrivals[:n_eval].astype(np.int64)
    t_arr, t_svc = shoppers(arr, cfg.service_seconds, seed)
    true_lam = arr.reshape(-1, INTERVAL).sum(axis=1) * (60.0 / INTERVAL)
    fixed_c = cfg.clamp(max(cfg.need(x) for x in true_lam))

    adv = AdvisorPolicy(series, cfg, close_idx, co.conversion, co.lag_minutes)
    r_adv = simulate(t_arr, t_svc, n_eval, adv, cfg.max_open, cfg.min_open, cfg.open_lead_minutes)
    r_fix = simulate(t_arr, t_svc, n_eval, lambda m, q, o: fixed_c, cfg.max_open, fixed_c, 0.0)
    r_guard = simulate(t_arr, t_svc, n_eval, QueueGuardPolicy(cfg), cfg.max_open, cfg.min_open, cfg.open_lead_minutes)
    tw = cfg.target_wait_seconds
    f_adv, f_fix, f_guard = (_policy_figures(r, tw) for r in (r_adv, r_fix, r_guard))

    intervals = []
    lam_fc = np.asarray(adv.lam_forecast)
    for i, lam in enumerate(true_lam):
        sl_m = slice(i * INTERVAL, (i + 1) * INTERVAL)
        mine = (r_adv.arrival_minute >= i * INTERVAL) & (r_adv.arrival_minute < (i + 1) * INTERVAL)
        a, g = summarise(r_adv.waits[mine], tw), summarise(r_guard.waits[mine], tw)
        s = adv.suggestions[i]
        intervals.append({
            "start": (series.start + timedelta(minutes=i * INTERVAL)).strftime("%H:%M"),
            "lambda_true_per_hour": round(float(lam), 1),
            "lambda_forecast_per_hour": round(float(lam_fc[sl_m].mean()), 1),
            "counters_suggested": s["suggested_open"],
            "counters_serving_mean": round(float(r_adv.serving[sl_m].mean()), 2),
            "counters_serving_min": int(r_adv.serving[sl_m].min()),
            "need_true": cfg.need(lam),
            "queue_max": int(r_adv.queue[sl_m].max()),
            "shoppers": a["shoppers"],
            "share_within_target": a["share_within_target"],
            "p90_wait_seconds": a["p90_wait_seconds"],
            "queue_guard_counters_mean": round(float(r_guard.serving[sl_m].mean()), 2),
            "queue_guard_share_within_target": g["share_within_target"],
        })
    fc_err = [abs(iv["lambda_forecast_per_hour"] - iv["lambda_true_per_hour"]) for iv in intervals]
    return {
        "scenario": scenario,
        "day": series.day.isoformat(),
        "seed": seed,
        "judged": "shoppers",
        "window": f"{series.start.strftime('%H:%M')}-{(series.start + timedelta(minutes=n_eval)).strftime('%H:%M')}",
        "entries": int(series.entries.sum()),
        "checkout_arrivals": int(arr.sum()),
        "true_conversion": round(series.conversion, 4),
        "true_lag_minutes": round(series.lag_minutes, 1),
        "target": {"wait_seconds": tw, "planning_share": cfg.target_share,
                   "planning_max_mean_wait_seconds": cfg.max_mean_wait_seconds},
        "intervals": intervals,
        "share_meeting_target": f_adv["share_within_target"],
        "p90_wait_seconds": f_adv["p90_wait_seconds"],
        "mean_wait_seconds": f_adv["mean_wait_seconds"],
        "shoppers": f_adv["shoppers"],
        "counter_hours": f_adv["counter_hours"],
        "forecast_mae_per_hour": round(float(np.mean(fc_err)), 1),
        "baselines": {
            "fixed_peak": {"counters": fixed_c, "share_meeting_target": f_fix["share_within_target"],
                           "p90_wait_seconds": f_fix["p90_wait_seconds"], "counter_hours": f_fix["counter_hours"]},
            "queue_guard": {"share_meeting_target": f_guard["share_within_target"],
                            "p90_wait_seconds": f_guard["p90_wait_seconds"], "counter_hours": f_guard["counter_hours"]},
        },
        "counter_hours_vs_fixed_peak": round(float(r_adv.serving.sum()) / float(r_fix.serving.sum()), 4),
        "_series": {"serving": r_adv.serving.tolist(), "guard": r_guard.serving.tolist(),
                    "fixed": r_fix.serving.tolist(), "queue": r_adv.queue.tolist(),
                    "lam_forecast": lam_fc.tolist(), "start": series.start.isoformat(), "area": MALL_AREA},
    }


def run_seeds(mall: Mall, scenario: str, seeds: list[int], day: date = DEFAULT_DAY) -> dict[str, object]:
    """Several seeds of one scenario: each seed's figures and the worst and pooled ones."""
    runs = [run_backtest(mall, scenario, seed=s, day=day) for s in seeds]
    for r in runs:
        r.pop("_series", None)
        r.pop("intervals", None)
    shares = [float(r["share_meeting_target"] or 0.0) for r in runs]  # type: ignore[arg-type]
    ratio = [float(r["counter_hours_vs_fixed_peak"]) for r in runs]  # type: ignore[arg-type]
    return {
        "scenario": scenario, "seeds": seeds, "judged": "shoppers",
        "worst_share_meeting_target": min(shares), "max_counter_hours_vs_fixed_peak": max(ratio),
        "worst_p90_wait_seconds": max(float(r["p90_wait_seconds"] or 0.0) for r in runs),  # type: ignore[arg-type]
        "runs": [{k: r[k] for k in ("seed", "shoppers", "share_meeting_target", "p90_wait_seconds", "counter_hours",
                                    "counter_hours_vs_fixed_peak", "baselines")} for r in runs],
    }


def format_table(res: dict[str, object]) -> str:
    """Human-readable per-interval table plus totals."""
    lines = [
        f"backtest scenario={res['scenario']} day={res['day']} seed={res['seed']} window={res['window']} (judged by shoppers)",
        f"entries={res['entries']} checkout arrivals={res['checkout_arrivals']} "
        f"true conversion={res['true_conversion']} true lag~{res['true_lag_minutes']} min",
        f"{'start':>5} {'lam_true/h':>10} {'lam_fc/h':>9} {'sugg':>4} {'serving':>7} {'need':>4} {'queue':>5} "
        f"{'shop':>4} {'<=2min':>6} {'p90_s':>6}",
    ]
    for iv in res["intervals"]:  # type: ignore[union-attr]
        share = iv["share_within_target"]
        p90 = iv["p90_wait_seconds"]
        lines.append(
            f"{iv['start']:>5} {iv['lambda_true_per_hour']:>10.1f} {iv['lambda_forecast_per_hour']:>9.1f} "
            f"{iv['counters_suggested']:>4} {iv['counters_serving_mean']:>7.2f} {iv['need_true']:>4} {iv['queue_max']:>5} "
            f"{iv['shoppers']:>4} {'-' if share is None else f'{share:.0%}':>6} {'-' if p90 is None else f'{p90:.0f}':>6}"
        )
    b = res["baselines"]  # type: ignore[index]
    tw = res["target"]["wait_seconds"]  # type: ignore[index]
    lines += [
        "",
        f"{'policy':<14} {f'shoppers <= {tw:g} s':>18} {'p90 wait s':>11} {'counter-hours':>14}",
        f"{'advisor':<14} {res['share_meeting_target']:>18.1%} {res['p90_wait_seconds']:>11.0f} {res['counter_hours']:>14.1f}",
        f"{'fixed peak':<14} {b['fixed_peak']['share_meeting_target']:>18.1%} {b['fixed_peak']['p90_wait_seconds']:>11.0f} "
        f"{b['fixed_peak']['counter_hours']:>14.1f}  ({b['fixed_peak']['counters']} counters all day)",
        f"{'queue guard':<14} {b['queue_guard']['share_meeting_target']:>18.1%} {b['queue_guard']['p90_wait_seconds']:>11.0f} "
        f"{b['queue_guard']['counter_hours']:>14.1f}",
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
    a2.step(x, s["serving"], where="post", label=f"advisor ({res['share_meeting_target']:.0%} of shoppers <= 2 min)")
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
