"""The small findings: heartbeat bounds, integral floats where JSON Schema says integer, exact 2^53 sequence
numbers in the gap log, and a /readyz that fails fast while Redis is stopped."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
import requests

from core.wire import MAX_SEQ
from server.redis_server import free_port
from tests.conftest import ServerProcess
from tests.helpers import auth, ev
from tests.reliability.harness import KillableRedis

CAM = "cam-fridges-1"
HB = {"fps": 12.5, "dropped_frames": 0, "spool_depth": 0, "version": "test"}


@pytest.fixture
def cam(app):  # type: ignore[no-untyped-def]
    return auth(app.extensions["services"].camera_tokens.issue(CAM))


@pytest.mark.parametrize(("extra", "field"), [
    ({"spool_depth": 10**30}, "spool_depth"), ({"frame_lag_ms": 1e308}, "frame_lag_ms"),
    ({"spool_depth": 1e30}, "spool_depth"), ({"dropped_frames": 1.5}, "dropped_frames"),
    ({"dropped_frames": "3"}, "dropped_frames"), ({"dead_letters": 10**20}, "dead_letters"),
])
def test_heartbeat_bounds(client, cam, extra, field) -> None:  # type: ignore[no-untyped-def]
    res = client.post(f"/api/v1/cameras/{CAM}/heartbeat", json={**HB, **extra}, headers=cam)
    assert res.status_code == 422 and res.json["field"] == field, res.json


def test_integral_float_is_an_integer(app, client, cam) -> None:  # type: ignore[no-untyped-def]
    res = client.post(f"/api/v1/cameras/{CAM}/heartbeat", json={**HB, "dropped_frames": 131.0, "spool_depth": 4.0},
                      headers=cam)
    assert res.status_code == 200, res.json
    status = client.get(f"/api/v1/cameras/{CAM}/status", headers=cam).json
    assert status["heartbeat"]["dropped_frames"] == 131 and isinstance(status["heartbeat"]["dropped_frames"], int)


def test_gap_log_keeps_2_pow_53_sequence_numbers_exact(client, cam) -> None:  # type: ignore[no-untyped-def]
    for seq in (1, MAX_SEQ - 5, MAX_SEQ):
        assert client.post(f"/api/v1/cameras/{CAM}/events", json={"events": [ev(seq)]}, headers=cam).status_code == 200
    res = client.get(f"/api/v1/cameras/{CAM}/status", headers=cam)
    log = res.json["gap_log"]
    assert [(g["from"], g["to"]) for g in log] == [(MAX_SEQ - 4, MAX_SEQ - 1), (2, MAX_SEQ - 6)]
    assert all(type(g["from"]) is int and type(g["to"]) is int for g in log)
    assert "e+15" not in res.get_data(as_text=True) and "9007199254741000" not in res.get_data(as_text=True)


def test_quarantine_record_keeps_big_sequence_numbers_exact(app, client, cam) -> None:  # type: ignore[no-untyped-def]
    client.post(f"/api/v1/cameras/{CAM}/events", json={"events": [ev(MAX_SEQ, 10_000, 0)]}, headers=cam)
    rec = app.extensions["services"].counts.quarantined(1)[0]
    assert rec["seq"] == MAX_SEQ and rec["in"] == 10_000


def test_readyz_fails_fast_while_redis_is_stopped(tmp_path: Path) -> None:
    kr = KillableRedis(free_port(), tmp_path / "redis").start()
    server = ServerProcess(kr.url).start()
    try:
        assert requests.get(server.url + "/readyz", timeout=5).status_code == 200
        kr.proc.send_signal(signal.SIGSTOP)  # type: ignore[union-attr]
        t0 = time.monotonic()
        res = requests.get(server.url + "/readyz", timeout=15)
        took = time.monotonic() - t0
        assert res.status_code == 503 and res.json()["error"] == "unavailable"
        assert took < 2.0, f"/readyz took {took:.1f} s with Redis stopped"
        kr.proc.send_signal(signal.SIGCONT)  # type: ignore[union-attr]
        deadline = time.monotonic() + 10
        while requests.get(server.url + "/readyz", timeout=5).status_code != 200:
            assert time.monotonic() < deadline, "/readyz did not recover after Redis resumed"
            time.sleep(0.2)
    finally:
        if kr.proc and kr.proc.poll() is None:
            kr.proc.send_signal(signal.SIGCONT)
        server.kill()
        kr.stop()


def test_json_log_keeps_a_librarys_extra_fields() -> None:
    """python-socketio reports the cause of "Cannot publish to redis" only in `extra`; the JSON log keeps it."""
    import json
    import logging

    from server.logs import JsonFormatter

    rec = logging.getLogger("socketio.server").makeRecord("socketio.server", logging.ERROR, __file__, 1,
                                                           "Cannot publish to redis... retrying", (), None,
                                                           extra={"redis_exception": "Too many connections"})
    body = json.loads(JsonFormatter().format(rec))
    assert body["msg"] == "Cannot publish to redis... retrying" and body["redis_exception"] == "Too many connections"
    assert "args" not in body and "levelno" not in body
