"""Turn a forecast into "open 2 more now" / "prepare 1 more for 14:30".

Rules, in order:
1. size for the forecast: fewest counters meeting the target (share within the
   wait AND mean wait cap) now and at now + staff lead time, plus a small
   margin for forecast error and the backlog already queuing;
2. queue guard ("one in front"): if the observed queue per open counter is above
   the limit, one more counter whatever the forecast says;
3. hysteresis: open at once, close only after the need stayed below the open
   count for ``close_after_low_minutes`` and will not return within 15 minutes;
4. clamp to [min_open, max_open] (max_open <= counters that exist).
The state object is small and JSON-serialisable so a new leader can resume it.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from core.mall.schema import Checkout
from server.staffing.erlang import meets, metrics, min_servers
from server.staffing.forecast import Forecast
from server.staffing.wait import estimate

BACKLOG_DRAIN_MINUTES = 10.0  # people already queuing should be cleared within this
CLOSE_BAND = 0.15  # closing needs demand this far below what the smaller count can take
UNCALIBRATED_EXTRA_MARGIN = 0.25  # extra headroom while the config defaults stand in for a fit


class ConfigError(ValueError):
    """A staffing setting that cannot work; the message names the setting."""


@dataclass(frozen=True)
class AdvisorConfig:
    service_seconds: float = 150.0
    target_wait_seconds: float = 120.0
    target_share: float = 0.8
    max_mean_wait_seconds: float | None = 60.0
    min_open: int = 1
    max_open: int = 16
    open_lead_minutes: float = 5.0
    close_after_low_minutes: float = 10.0
    forecast_margin: float = 0.25  # plan for this much more demand than forecast
    queue_per_counter_limit: float = 2.0

    def __post_init__(self) -> None:
        checks = [
            ("service_seconds", math.isfinite(self.service_seconds) and self.service_seconds > 0, "must be > 0"),
            ("target_wait_seconds", self.target_wait_seconds > 0, "must be > 0"),
            ("target_share", 0 < self.target_share < 1, "must be between 0 and 1 (exclusive)"),
            ("max_mean_wait_seconds", self.max_mean_wait_seconds is None or self.max_mean_wait_seconds > 0, "must be > 0"),
            ("min_open", self.min_open >= 0, "must be >= 0"),
            ("max_open", self.max_open >= 1, "must be >= 1"),
            ("open_lead_minutes", self.open_lead_minutes >= 0, "must be >= 0"),
            ("close_after_low_minutes", self.close_after_low_minutes >= 0, "must be >= 0"),
            ("forecast_margin", 0 <= self.forecast_margin <= 2, "must be between 0 and 2"),
            ("queue_per_counter_limit", self.queue_per_counter_limit > 0, "must be > 0"),
        ]
        for name, ok, why in checks:
            if not ok:
                raise ConfigError(f"checkout.{name} {why} (got {getattr(self, name)!r})")
        if self.min_open > self.max_open:
            raise ConfigError(f"checkout.min_open ({self.min_open}) is above max_open ({self.max_open})")

    @classmethod
    def from_checkout(cls, co: Checkout) -> AdvisorConfig:
        return cls(
            service_seconds=co.service_seconds, target_wait_seconds=co.target_wait_seconds,
            target_share=co.target_share, max_mean_wait_seconds=co.max_mean_wait_seconds,
            min_open=co.min_open, max_open=co.effective_max_open, open_lead_minutes=co.open_lead_minutes,
            close_after_low_minutes=co.close_after_low_minutes,
            forecast_margin=getattr(co, "forecast_margin", cls.forecast_margin),
            queue_per_counter_limit=getattr(co, "queue_per_counter_limit", cls.queue_per_counter_limit),
        )

    def need(self, lam_per_hour: float) -> int:
        """Counters the target needs for this arrival rate (unclamped)."""
        return min_servers(
            max(0.0, lam_per_hour) / 3600.0, 1.0 / self.service_seconds, self.target_wait_seconds,
            self.target_share, self.max_mean_wait_seconds,
        )

    def clamp(self, c: int) -> int:
        return max(self.min_open, min(self.max_open, c))


@dataclass
class AdvisorState:
    """Hysteresis memory: since when demand has been below the open counters."""

    low_since: float | None = None  # epoch seconds
    low_need: int = 0  # highest need seen during the low spell

    def to_dict(self) -> dict[str, float | int | None]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, object] | None) -> AdvisorState:
        if not d:
            return cls()
        ls = d.get("low_since")
        return cls(low_since=float(ls) if isinstance(ls, (int, float)) else None, low_need=int(d.get("low_need") or 0))  # type: ignore[arg-type]


OVERLOAD_LOOKAHEAD_MINUTES = 15.0  # an overloaded option is described by the wait the queue reaches by then


def option(cfg: AdvisorConfig, c: int, lam_per_hour: float, queue: int | None = None) -> dict[str, object]:
    """Expected figures for c counters at this arrival rate.

    When demand exceeds what c counters serve, the steady state has no finite
    wait; the figure is then the live-queue wait 15 minutes from now (``wait_basis``).
    """
    m = metrics(max(0, c), max(0.0, lam_per_hour) / 3600.0, 1.0 / cfg.service_seconds, cfg.target_wait_seconds)
    wait, basis = (round(m.mean_wait, 1), "steady state") if math.isfinite(m.mean_wait) else (None, "live queue")
    if wait is None and c > 0:
        est = estimate(queue or 0, c, cfg.service_seconds, lam_per_hour, OVERLOAD_LOOKAHEAD_MINUTES)
        wait = None if est.minutes is None else round(est.minutes * 60.0, 1)
        basis = f"live queue in {OVERLOAD_LOOKAHEAD_MINUTES:g} min"
    return {
        "counters": c,
        "p_wait": round(m.p_wait, 4),
        "service_level": round(m.service_level, 4),
        "mean_wait_seconds": wait,
        "wait_basis": basis,
        "utilisation": round(m.utilisation, 3) if math.isfinite(m.utilisation) else None,
        "meets_target": meets(m, cfg.target_share, cfg.max_mean_wait_seconds),
    }


def _plural(n: int) -> str:
    return "counter" if n == 1 else "counters"


def advise(
    fc: Forecast, open_now: int, now: datetime, cfg: AdvisorConfig, state: AdvisorState | None = None,
) -> tuple[dict[str, object], AdvisorState]:
    """One suggestion (JSON-ready dict) and the updated hysteresis state."""
    state = AdvisorState(**asdict(state)) if state is not None else AdvisorState()
    ts = now.timestamp()
    # Before conversion and lag could be fitted (early in the day) the forecast is less sure.
    margin_used = cfg.forecast_margin + (0.0 if fc.calibration.fitted else UNCALIBRATED_EXTRA_MARGIN)
    margin = 1.0 + margin_used
    queue = fc.queue_length
    backlog = max(0, queue - open_now) if queue is not None else 0
    lam0 = fc.at(0)
    lam_plan_now = lam0 * margin + backlog * 60.0 / BACKLOG_DRAIN_MINUTES
    lead = min(30.0, cfg.open_lead_minutes)
    need_now = cfg.need(lam_plan_now)
    need_lead = cfg.need(fc.at(lead) * margin)
    need_15 = cfg.need(fc.at(15) * margin)
    need_30 = cfg.need(fc.at(30) * margin)
    reasons: list[str] = []
    reasons_zh: list[str] = []  # the same reasons in Chinese, index for index

    def say(en: str, zh: str) -> None:
        reasons.append(en)
        reasons_zh.append(zh)

    want = max(need_now, need_lead)
    if want > need_now:
        say(f"demand rises within the {lead:g}-minute lead time", f"{lead:g} 分钟准备时间内客流上升")
    guard = False
    if queue is not None and queue > 0:
        per = queue / open_now if open_now > 0 else math.inf
        if per > cfg.queue_per_counter_limit and want <= open_now:
            want = open_now + 1
            guard = True
            say(f"queue guard: {queue} in the checkout area for {open_now} open (> {cfg.queue_per_counter_limit:g} per counter)",
                f"排队保护：收银区 {queue} 人，开放 {open_now} 个（每台超过 {cfg.queue_per_counter_limit:g} 人）")
    shortfall = want > cfg.max_open
    target = cfg.clamp(want)
    shortfall_info: dict[str, object] | None = None
    if shortfall:
        w_now = estimate(queue or 0, cfg.max_open, cfg.service_seconds, lam0)
        w_15 = estimate(queue or 0, cfg.max_open, cfg.service_seconds, lam0, OVERLOAD_LOOKAHEAD_MINUTES)
        shortfall_info = {"counters": cfg.max_open, "needed": want, "wait_minutes_now": w_now.minutes,
                          "wait_minutes_in_15": w_15.minutes, "wait_label_now": w_now.label,
                          "wait_label_now_zh": w_now.label_zh, "wait_label_in_15": w_15.label,
                          "wait_label_in_15_zh": w_15.label_zh}
        say(f"demand needs {want} counters but only {cfg.max_open} may open: with all open the wait is "
            f"{w_now.label} now, {w_15.label} in {OVERLOAD_LOOKAHEAD_MINUTES:g} min",
            f"客流需要 {want} 个收银台，但最多只能开 {cfg.max_open} 个：全部开放时现在等待{w_now.label_zh}，"
            f"{OVERLOAD_LOOKAHEAD_MINUTES:g} 分钟后{w_15.label_zh}")

    if open_now < cfg.min_open or target > open_now:
        suggested = max(target, cfg.min_open)
        state.low_since, state.low_need = None, 0
        action = "open"
    elif open_now > cfg.max_open:
        suggested, action = cfg.max_open, "close"
        state.low_since, state.low_need = None, 0
    elif target == open_now:
        suggested, action = open_now, "hold"
        state.low_since, state.low_need = None, 0
    else:
        # Dead band: closing is judged on demand CLOSE_BAND above the forecast, so noise
        # around a counter boundary does not open and close the same counter all day.
        peak = max(fc.at(0), fc.at(lead), fc.at(15)) * margin * (1.0 + CLOSE_BAND)
        soon = cfg.clamp(max(target, need_15, cfg.need(peak)))
        if soon >= open_now:
            suggested, action = open_now, "hold"
            state.low_since, state.low_need = None, 0
            say("demand dips now but returns within 15 minutes", "客流暂时回落，但 15 分钟内会回升")
        else:
            if state.low_since is None:
                state.low_since, state.low_need = ts, soon
            else:
                state.low_need = max(state.low_need, soon)
            low_for = (ts - state.low_since) / 60.0
            if low_for >= cfg.close_after_low_minutes:
                suggested, action = max(state.low_need, cfg.min_open), "close"
                say(f"demand stayed low for {low_for:.0f} min", f"客流已持续偏低 {low_for:.0f} 分钟")
                state.low_since, state.low_need = None, 0
            else:
                suggested, action = open_now, "hold"
                say(f"demand low for {low_for:.0f} of {cfg.close_after_low_minutes:g} min before closing any",
                    f"客流偏低已 {low_for:.0f} 分钟，满 {cfg.close_after_low_minutes:g} 分钟才会关闭收银台")
    delta = suggested - open_now
    if delta > 0:
        message, message_zh = f"open {delta} more now", f"现在加开 {delta} 个收银台"
    elif delta < 0:
        message, message_zh = f"close {-delta} {_plural(-delta)}", f"关闭 {-delta} 个收银台"
    else:
        message, message_zh = f"keep {open_now} open", f"保持 {open_now} 个开放"
    prepare = []
    base = suggested
    for h, n in ((15, need_15), (30, need_30)):
        n = cfg.clamp(n)
        if n > base:
            at = (now + timedelta(minutes=h)).strftime("%H:%M")
            prepare.append({"at": at, "minutes_ahead": h, "counters": n, "more": n - base,
                            "message": f"prepare {n - base} more for {at}",
                            "message_zh": f"{at} 前再准备 {n - base} 个"})
            base = n
    options = [option(cfg, c, lam0, queue) for c in (suggested - 1, suggested, suggested + 1) if c >= 0]
    suggestion: dict[str, object] = {
        "time": now.isoformat(timespec="seconds"),
        "ts": ts,
        "open_now": open_now,
        "suggested_open": suggested,
        "delta": delta,
        "action": action,
        "message": message,
        "message_zh": message_zh,
        "prepare": prepare,
        "queue_guard": guard,
        "capacity_shortfall": shortfall,
        "shortfall": shortfall_info,
        "reasons": reasons,
        "reasons_zh": reasons_zh,
        "explanation": {
            "lambda_per_hour": {str(k): round(v, 1) for k, v in sorted(fc.lam_per_hour.items())},
            "lambda_plan_per_hour": round(lam_plan_now, 1),
            "forecast_margin": round(margin_used, 3),
            "backlog": backlog,
            "queue_length": queue,
            "mu_per_hour": round(3600.0 / cfg.service_seconds, 2),
            "service_seconds": cfg.service_seconds,
            "target": {
                "share": cfg.target_share, "wait_seconds": cfg.target_wait_seconds,
                "max_mean_wait_seconds": cfg.max_mean_wait_seconds,
            },
            "need": {"now": need_now, "lead": need_lead, "15": need_15, "30": need_30},
            "options": options,
            "calibration": asdict(fc.calibration),
            "correction": round(fc.correction, 3),
            "confidence": fc.confidence,
            "demand_bound_per_hour": fc.bound_per_hour,
            "forecast_bounded": fc.bounded,
            "notes": list(fc.notes),
            "notes_zh": list(fc.notes_zh),
        },
    }
    return suggestion, state
