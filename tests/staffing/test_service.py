"""Live service on a real Redis: counters with audit and bounds, one leader, takeover after a crash."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from server.staffing.service import CounterError, StaffingService
from tests.helpers import wait_for
from tests.staffing.worker import synthetic_reader

ROOT = Path(__file__).resolve().parents[2]


def test_counters_state_audit_and_bounds(r: redis.Redis, prefix: str, mall) -> None:  # type: ignore[no-untyped-def]
    svc = StaffingService(r, prefix, mall, reader=synthetic_reader)
    cs = svc.counters()
    assert [c["id"] for c in cs] == [c.id for c in mall.checkout.counters]
    assert svc.open_count() == mall.checkout.min_open
    first_open = cs[0]["id"]
    with pytest.raises(CounterError) as e:
        svc.set_counter(first_open, "closing", "ann", "break")
    assert e.value.status == 409 and "at least" in e.value.detail
    for c in cs[mall.checkout.min_open:]:
        svc.set_counter(c["id"], "open", "bob", "rush")
    assert svc.open_count() == mall.checkout.effective_max_open
    with pytest.raises(CounterError, match=r"no counter"):
        svc.set_counter("Z99", "open", "bob", "")
    with pytest.raises(CounterError, match="state"):
        svc.set_counter(first_open, "half-open", "bob", "")
    rec = svc.set_counter(first_open, "closing", "ann", "lunch break")
    assert rec["previous"] == "open" and rec["state"] == "closing"
    last = svc.audit(1)[0]
    assert (last["counter"], last["from"], last["to"], last["by"], last["reason"]) == (first_open, "open", "closing", "ann", "lunch break")


def test_compute_once_stores_and_publishes(r: redis.Redis, prefix: str, mall) -> None:  # type: ignore[no-untyped-def]
    got: list[dict] = []
    svc = StaffingService(r, prefix, mall, got.append, reader=synthetic_reader)
    s = svc.compute_once(time.time())
    assert got and got[0] == s
    stored = json.loads(r.get(prefix + "staffing:current"))
    assert stored["suggested_open"] == s["suggested_open"] >= mall.checkout.min_open
    assert "explanation" in stored and "public" in stored
    assert svc.current() == stored


def _spawn(url: str, prefix: str, ident: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    p = subprocess.Popen([sys.executable, "-m", "tests.staffing.worker", url, prefix, ident], cwd=ROOT, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    return p


def test_one_leader_and_takeover(r: redis.Redis, prefix: str, redis_url: str) -> None:
    a = _spawn(redis_url, prefix, "proc-a")
    b = _spawn(redis_url, prefix, "proc-b")
    procs = {"proc-a": a, "proc-b": b}
    try:
        published = lambda: [json.loads(x) for x in r.lrange(prefix + "test:published", 0, -1)]  # noqa: E731
        pub = wait_for(lambda: len(published()) >= 5 and published(), 15, what="five suggestions")
        leaders = {p["leader"] for p in pub}
        assert len(leaders) == 1, f"two suggestion streams: {leaders}"
        leader = leaders.pop()
        assert r.get(prefix + "staffing:leader") == leader
        other = "proc-b" if leader == "proc-a" else "proc-a"
        killed_at = time.time()
        procs[leader].send_signal(signal.SIGKILL)
        procs[leader].wait(5)
        deadline = killed_at + 2 * 1.0 + 1.5  # two lock TTLs plus a loop turn and margin
        taken = None
        while time.time() < deadline + 1 and taken is None:
            for x in r.lrange(prefix + "test:published", 0, -1):
                p = json.loads(x)
                if p["leader"] == other:
                    taken = p["t"]
                    break
            time.sleep(0.1)
        assert taken is not None, "no takeover"
        assert taken - killed_at <= 2 * 1.0 + 0.6
        assert r.get(prefix + "staffing:leader") == other
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                p.wait(5)
