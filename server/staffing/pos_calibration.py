"""Calibration from the mall's own truth: the checkout transactions feed (POS, per counter per minute).

A transaction is a shopper who paid, so transactions per minute are checkout
arrivals shifted by the wait and the payment itself.  Fitting them against
whole-mall entries (the same least squares as the camera-based fit) gives the
conversion and the entry-to-payment lag; the arrival lag is that minus the mean
time spent at the tills.  When the feed reports how long each counter was busy,
the mean service time is busy counter-seconds per transaction: no queue model
needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from server.staffing.forecast import CONVERSION_RANGE, LAG_RANGE, MIN_FIT_ARRIVALS, clip_spikes, fit_conversion_lag

MIN_SERVICE_TRANSACTIONS = 30  # fewer payments than this say too little about the service time
SERVICE_RANGE = (20.0, 1200.0)  # plausible seconds per payment


@dataclass(frozen=True)
class PosCalibration:
    conversion: float | None  # transactions / entries (None: not enough feed yet)
    payment_lag_minutes: float | None  # entry -> payment
    lag_minutes: float | None  # entry -> joining the queue (payment lag minus time at the tills)
    service_seconds: float | None  # busy counter-seconds per transaction
    transactions: int
    note: str = ""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def service_time(transactions: Sequence[float], busy_seconds: Sequence[float] | None) -> float | None:
    """Mean payment time from the feed, or None when it cannot be told."""
    if busy_seconds is None:
        return None
    tx = float(np.nansum(np.asarray(transactions, dtype=float)))
    busy = float(np.nansum(np.asarray(busy_seconds, dtype=float)))
    if tx < MIN_SERVICE_TRANSACTIONS or busy <= 0:
        return None
    s = busy / tx
    return s if SERVICE_RANGE[0] <= s <= SERVICE_RANGE[1] else None


def calibrate_from_transactions(
    entries: Sequence[float], transactions: Sequence[float], busy_seconds: Sequence[float] | None = None,
    queue_minutes: float = 0.0,
) -> PosCalibration:
    """Conversion, lags and service time from aligned per-minute series (entries, transactions, busy seconds).

    ``queue_minutes`` is the mean wait before paying when known (from the live
    queue); the arrival lag subtracts it and the service time.
    """
    e, _ = clip_spikes(entries)
    y, _ = clip_spikes(transactions)
    if e.shape != y.shape:
        raise ValueError("entries and transactions must cover the same minutes")
    n_tx = int(y.sum())
    svc = service_time(transactions, busy_seconds)
    warm = LAG_RANGE[1] + 15  # payments come a little after the longest browsing lag
    if len(y) < warm + 30 or y[warm:].sum() < MIN_FIT_ARRIVALS:
        return PosCalibration(None, None, None, svc, n_tx, "not enough transactions yet for conversion and lag")
    lags = np.arange(LAG_RANGE[0], LAG_RANGE[1] + 16, dtype=float)
    cal = fit_conversion_lag(e, y, lags=lags, warmup=warm)
    if not (CONVERSION_RANGE[0] <= cal.conversion <= CONVERSION_RANGE[1]):
        return PosCalibration(None, None, None, svc, n_tx, f"conversion {cal.conversion:.3f} from the feed is implausible")
    at_tills = queue_minutes + (svc if svc is not None else 0.0) / 60.0
    return PosCalibration(cal.conversion, cal.lag_minutes, max(0.0, cal.lag_minutes - at_tills), svc, n_tx)
