"""Coalesced publishing: ingests mark areas dirty; one thread per process emits at most every interval.

Bursts of batches for one zone become one update per interval, so sockets are not flooded. Each audience
has its own cadence: a zone's own kiosks at `interval` (50 ms), managers every 250 ms, and the crowd
levels every kiosk shows for the other zones every 2 s (they feed wayfinding, not a counter).
With the Redis message queue, an emit here reaches clients of every web process.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import redis

from core.mall.schema import Mall
from server.live.notify import Notifier
from server.live.payloads import camera_summaries, manager_zone, public_zone
from server.metrics import Metrics
from server.store.counts import CountStore
from server.store.reads import Reader

log = logging.getLogger(__name__)

TICK_SECONDS = 2.0
MANAGER_INTERVAL = 0.25
CROWD_INTERVAL = 2.0


class LivePublisher:
    def __init__(self, notify: Notifier, r: redis.Redis, reader: Reader, store: CountStore, mall: Mall,
                 metrics: Metrics, interval: float, offline_after: float, tick_lock_key: str) -> None:
        self.notify, self.r, self.reader, self.store, self.mall = notify, r, reader, store, mall
        self.metrics, self.interval, self.offline_after = metrics, interval, offline_after
        self.tick_lock_key = tick_lock_key
        self._dirty: set[str] = set()
        self._mgr_dirty: set[str] = set()
        self._crowd_dirty: set[str] = set()
        self._mgr_due = self._crowd_due = 0.0
        self._cameras_dirty = False
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._online: dict[str, bool] = {}
        self._last_tick = 0.0
        self.tick_hooks: list[Callable[[], object]] = []  # run once per tick under the tick lock (alerts)

    def mark_dirty(self, area: str) -> None:
        with self._lock:
            self._dirty.add(area)
        self._wake.set()

    def mark_camera(self, camera: str) -> None:
        with self._lock:
            self._cameras_dirty = self._cameras_dirty or not self._online.get(camera, False)
        if self._cameras_dirty:
            self._wake.set()

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="live-publisher", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(min(TICK_SECONDS, CROWD_INTERVAL / 2, MANAGER_INTERVAL))
            self._wake.clear()
            started = time.monotonic()
            try:
                self.flush()
                if time.time() - self._last_tick >= TICK_SECONDS:
                    self._last_tick = time.time()
                    self.tick()
            except Exception:  # keep publishing after a Redis blip
                log.exception("live publisher flush failed")
                time.sleep(0.5)
            rest = self.interval - (time.monotonic() - started)
            if rest > 0:
                time.sleep(rest)

    def flush(self, force: bool = False) -> None:
        now = time.monotonic()
        with self._lock:
            areas, self._dirty = self._dirty, set()
            self._mgr_dirty |= areas
            self._crowd_dirty |= areas
            mgr: set[str] = set()
            crowd: set[str] = set()
            if self._mgr_dirty and (force or now >= self._mgr_due):
                mgr, self._mgr_dirty, self._mgr_due = self._mgr_dirty, set(), now + MANAGER_INTERVAL
            if self._crowd_dirty and (force or now >= self._crowd_due):
                crowd, self._crowd_dirty, self._crowd_due = self._crowd_dirty, set(), now + CROWD_INTERVAL
            cams, self._cameras_dirty = self._cameras_dirty, False
        public_areas = sorted(a for a in areas | crowd if self.mall.zone(a) is not None)
        if public_areas:
            # kiosks need occupancy only: one HMGET, not the 15-minute and daily sums managers get
            occ = self.reader.occupancy(public_areas)
            for a in public_areas:
                if a in areas:
                    self.notify.zone(public_zone(self.mall, a, {"occupancy": occ[a]}))
            if crowd:
                public = [public_zone(self.mall, a, {"occupancy": occ[a]}) for a in public_areas if a in crowd]
                self.notify.crowd(public)
            self.metrics.pushes.labels("zones").inc(len(areas))
        if mgr:
            stats = self.reader.area_stats(sorted(mgr))
            self.notify.zones([manager_zone(self.mall, a, stats[a]) for a in sorted(mgr)])
        if cams:
            self.emit_cameras()

    def emit_cameras(self) -> None:
        ids = [c.id for c in self.mall.cameras]
        status = self.reader.cameras(ids, self.offline_after)
        self._online = {c: bool(s["online"]) for c, s in status.items()}
        self.metrics.cameras_online.set(sum(self._online.values()))
        self.metrics.spool_depth.set(sum(int((s["heartbeat"] or {}).get("spool_depth", 0)) for s in status.values()))
        self.notify.cameras(camera_summaries(status))

    def tick(self) -> None:
        """Once per tick in one process: the opening-time reset and camera online/offline changes."""
        if not self.r.set(self.tick_lock_key, "1", nx=True, px=int(TICK_SECONDS * 900)):
            return
        if self.store.reset_if_new_day():
            self.mark_dirty_all()
        ids = [c.id for c in self.mall.cameras]
        status = self.reader.cameras(ids, self.offline_after)
        online = {c: bool(s["online"]) for c, s in status.items()}
        if online != self._online:
            self._online = online
            self.metrics.cameras_online.set(sum(online.values()))
            self.notify.cameras(camera_summaries(status))
        for hook in self.tick_hooks:
            try:
                hook()
            except Exception:  # one failing hook must not stop the others or the publisher
                log.exception("tick hook %r failed", hook)

    def mark_dirty_all(self) -> None:
        for a in self.mall.area_ids:
            self.mark_dirty(a)
