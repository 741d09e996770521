"""Prometheus metrics of one web process (its own registry, so tests can build many apps)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.events = Counter("ingest_events_total", "Count events received in batches", registry=self.registry)
        self.batches = Counter("ingest_batches_total", "Batches applied", registry=self.registry)
        self.apply_seconds = Histogram(
            "ingest_apply_seconds", "Time to apply one batch in Redis", registry=self.registry,
            buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1.0),
        )
        self.sockets = Gauge("socket_connections", "Connected Socket.IO clients of this process", registry=self.registry)
        self.cameras_online = Gauge("cameras_online", "Cameras with a heartbeat in the last 30 s", registry=self.registry)
        self.spool_depth = Gauge("camera_spool_depth", "Events waiting in camera spools (sum of last heartbeats)", registry=self.registry)
        self.pushes = Counter("live_pushes_total", "Live updates emitted", ["event"], registry=self.registry)

    def observe_apply(self, n_events: int, seconds: float) -> None:
        self.events.inc(n_events)
        self.batches.inc()
        self.apply_seconds.observe(seconds)
