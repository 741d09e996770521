"""/healthz, /readyz, Prometheus /metrics and JSON logs of a real server process."""

from __future__ import annotations

import json

import requests

from tests.conftest import ServerProcess
from tests.helpers import auth, ev


def test_health_ready_and_metrics(live: ServerProcess, tokens) -> None:  # type: ignore[no-untyped-def]
    assert requests.get(live.url + "/healthz", timeout=5).json() == {"ok": True}
    assert requests.get(live.url + "/readyz", timeout=5).json()["redis"] is True
    tok = tokens.issue("cam-fridges-1")
    before = requests.get(live.url + "/metrics", timeout=5).text
    requests.post(live.url + "/api/v1/cameras/cam-fridges-1/events", json={"events": [ev(1), ev(2), ev(3)]}, headers=auth(tok), timeout=5)
    hb = {"fps": 7.0, "dropped_frames": 0, "spool_depth": 12, "version": "t"}
    requests.post(live.url + "/api/v1/cameras/cam-fridges-1/heartbeat", json=hb, headers=auth(tok), timeout=5)
    text = requests.get(live.url + "/metrics", timeout=5).text

    def value(body: str, name: str) -> float:
        line = next((x for x in body.splitlines() if x.startswith(name + " ")), f"{name} 0")
        return float(line.split()[1])

    assert value(text, "ingest_events_total") - value(before, "ingest_events_total") == 3
    assert value(text, "ingest_apply_seconds_count") >= 1
    for name in ("socket_connections", "cameras_online", "camera_spool_depth"):
        assert f"\n{name} " in text or text.startswith(name), name


def test_logs_are_json_lines(redis_url: str) -> None:
    s = ServerProcess(redis_url, LOG_LEVEL="INFO").start()
    try:
        requests.get(s.url + "/healthz", timeout=5)
    finally:
        s.kill()
    assert s.proc is not None and s.proc.stderr is not None
    lines = [x for x in s.proc.stderr.read().decode().splitlines() if x.startswith("{")]
    assert lines and all(json.loads(x)["level"] in ("info", "warning", "error") for x in lines)
    assert any("web app ready" in json.loads(x)["msg"] for x in lines)
