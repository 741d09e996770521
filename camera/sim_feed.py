"""What the footfall simulator sends besides live counts, and what it reads back from the server.

* ``HistoryPoster``: minutes that already happened (back-filled past days, the
  warm-up since opening) go straight to the ingest API with their own event
  times, one stream per camera and day, so they land in their real minutes and
  a re-sent day is recognised as duplicates (same stream, same seq).
* ``CountersReader``: the counters open right now, from the public kiosk
  checkout summary; the simulated checkout serves only as fast as they do.
* ``TransactionsFeed``: payments per counter per minute (the POS feed) to
  ``POST /api/v1/checkout/transactions`` with an API token.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import requests

log = logging.getLogger("camera.simulate")

BATCH = 1000  # the ingest API's default MAX_BATCH_EVENTS


class HistoryPoster:
    def __init__(self, server: str, tokens: dict[str, str], workers: int = 4, timeout: float = 30.0) -> None:
        self.server = server.rstrip("/")
        self.tokens = tokens
        self.workers = workers
        self.timeout = timeout
        self.sent = self.duplicates = 0
        self._lock = threading.Lock()

    def post(self, stream: str, per_camera: dict[str, list[tuple[float, int, int]]]) -> None:
        """per_camera: camera -> [(event time, in, out)] in time order; seqs are 1.. in that order."""
        jobs = []
        for cam, rows in per_camera.items():
            events = [{"seq": i + 1, "time": t, "in": a, "out": b} for i, (t, a, b) in enumerate(rows)]
            jobs += [(cam, events[j:j + BATCH]) for j in range(0, len(events), BATCH)]
        with ThreadPoolExecutor(self.workers) as pool:
            list(pool.map(lambda job: self._send(stream, *job), jobs))

    def _send(self, stream: str, cam: str, events: list[dict[str, object]]) -> None:
        res = requests.post(f"{self.server}/api/v1/cameras/{cam}/events", json={"stream": stream, "events": events},
                            headers={"Authorization": f"Bearer {self.tokens[cam]}"}, timeout=self.timeout)
        if res.status_code != 200:
            raise RuntimeError(f"history for {cam} refused: {res.status_code} {res.text[:300]}")
        body = res.json()
        with self._lock:
            self.sent += int(body.get("applied", 0))
            self.duplicates += int(body.get("duplicates", 0))


class CountersReader:
    """Open counters as the server sees them (ids when the summary names them)."""

    def __init__(self, server: str, counter_ids: list[str], default_open: int, timeout: float = 3.0) -> None:
        self.url = server.rstrip("/") + "/api/v1/kiosk/checkout"
        self.counter_ids = counter_ids
        self.open_ids = counter_ids[:default_open]
        self.timeout = timeout
        self.session = requests.Session()

    def refresh(self) -> list[str]:
        try:
            body = self.session.get(self.url, timeout=self.timeout).json()
        except (requests.RequestException, ValueError):
            return self.open_ids  # keep the last known state while the server is away
        ids = body.get("open_ids")
        if isinstance(ids, list) and all(isinstance(i, str) for i in ids):
            self.open_ids = [i for i in self.counter_ids if i in ids]
        elif isinstance(body.get("open_counters"), int):
            self.open_ids = self.counter_ids[: max(0, body["open_counters"])]
        return self.open_ids


class TransactionsFeed:
    """Accumulates payments per (counter, minute) and sends each minute once it is complete."""

    def __init__(self, server: str, api_token: str | None, source: str = "sim-pos", timeout: float = 10.0) -> None:
        self.url = server.rstrip("/") + "/api/v1/checkout/transactions"
        self.token = api_token
        self.source = source
        self.timeout = timeout
        self.pending: dict[tuple[str, int], list[float]] = defaultdict(lambda: [0, 0.0])
        self.sent = 0
        self.enabled = api_token is not None
        self.session = requests.Session()

    def add(self, minute: int, counter: str, transactions: int, busy_seconds: float) -> None:
        acc = self.pending[(counter, minute)]
        acc[0] += transactions
        acc[1] += busy_seconds

    def flush(self, before_minute: int | None = None) -> int:
        """Send every minute earlier than ``before_minute`` (all when None); returns records sent."""
        if not self.enabled:
            self.pending.clear()
            return 0
        keys = [k for k in self.pending if before_minute is None or k[1] < before_minute]
        if not keys:
            return 0
        records = [{"counter": c, "minute": m, "transactions": int(self.pending[(c, m)][0]),
                    "busy_seconds": round(min(60.0, self.pending[(c, m)][1]), 1)} for c, m in sorted(keys)]
        ok = True
        for j in range(0, len(records), BATCH):
            if self.enabled:
                ok = self._send(records[j:j + BATCH]) and ok
        if ok:
            for k in keys:
                del self.pending[k]
        return len(records) if ok else 0

    def _send(self, records: Iterable[dict[str, object]]) -> bool:
        try:
            res = self.session.post(self.url, json={"source": self.source, "records": list(records)},
                                    headers={"Authorization": f"Bearer {self.token}"}, timeout=self.timeout)
        except requests.RequestException as exc:
            log.warning("transactions feed: %s (kept, retried next minute)", exc)
            return False
        if res.status_code == 404:
            log.warning("transactions feed: the server has no %s; feed off", self.url)
            self.enabled = False
            return True
        if res.status_code != 200:
            log.warning("transactions feed refused: %s %s", res.status_code, res.text[:300])
            return res.status_code < 500  # a 4xx will not get better by resending
        self.sent += int(res.json().get("applied", 0))
        return True
