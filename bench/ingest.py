"""Ingest throughput into one web process beside raw Redis pipelined writes, and push → socket latency.

    python bench/ingest.py [--seconds 10] [--cameras 100] [--sockets 300]

Prints: sustained count events/s (batched HTTP, one gunicorn process) and, measured in the same run,
raw Redis pipelined HINCRBY/s; then p50/p99 latency from a camera's POST to the zone update arriving
on Socket.IO clients, with 100 cameras at 2 batches/s and 300 connected sockets.
Then the per-request cost at batches of 1 and 10 (what a real camera sends), beside the batch-500 figure: for the
camera-only process (`python -m server.ingest`, granian) and, in the same run, the full web process (gunicorn),
requests/s and events/s over the wall clock and requests per CPU-second of the server process (its capacity
with a core of its own: the load generator shares this machine's cores), and the Redis round trips per request
counted with MONITOR. The load comes from light keep-alive clients (raw sockets, one process each), so the
figure is the server's, not the client library's.
Targets: >= 5,000 events/s per process; >= 2,000 requests/s per web process at batch 1; p99 <= 250 ms.
With fewer sockets than cameras some zones have no listener, and their batches count as undelivered.
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing as mp
import os
import socket
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import redis
import requests
from common import latency, mall_with_zones, pct, stack  # type: ignore[import-not-found]

from server.ingest.tokens import CameraTokens
from server.store.keys import Keys


def raw_redis_rate(url: str, seconds: float) -> float:
    r = redis.Redis.from_url(url)
    n, t_end, t0 = 0, time.monotonic() + seconds, time.monotonic()
    while time.monotonic() < t_end:
        pipe = r.pipeline(transaction=False)
        for i in range(1000):
            pipe.hincrby("rawbench:h", f"f{i % 120}", 1)
        pipe.execute()
        n += 1000
    r.delete("rawbench:h")
    return n / (time.monotonic() - t0)


def throughput(url: str, tokens: dict[str, str], seconds: float, batch: int = 500, workers: int = 4) -> tuple[float, int, int]:
    """(events/s, events applied, requests sent) of `workers` threads posting batches of `batch` events."""
    cams = list(tokens)
    seqs = {c: itertools.count(1) for c in cams}
    lock = threading.Lock()
    total = [0]
    requests_sent = [0]
    t_end = time.monotonic() + seconds

    def worker(k: int) -> None:
        s = requests.Session()
        mine = cams[k::workers]
        i = 0
        while time.monotonic() < t_end:
            cam = mine[i % len(mine)]
            i += 1
            now = time.time()
            with lock:
                events = [{"seq": next(seqs[cam]), "time": now, "in": 1, "out": 1} for _ in range(batch)]
            res = s.post(f"{url}/api/v1/cameras/{cam}/events", json={"stream": "bench", "events": events},
                         headers={"Authorization": f"Bearer {tokens[cam]}"}, timeout=30)
            res.raise_for_status()
            with lock:
                total[0] += res.json()["applied"]
                requests_sent[0] += 1

    t0 = time.monotonic()
    with ThreadPoolExecutor(workers) as ex:
        list(ex.map(worker, range(workers)))
    return total[0] / (time.monotonic() - t0), total[0], requests_sent[0]


def _request(cam: str, token: str, body: bytes) -> bytes:
    return (f"POST /api/v1/cameras/{cam}/events HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body


def _read_response(sock: socket.socket, buf: bytearray) -> int:
    """Read one HTTP/1.1 response with Content-Length from a keep-alive socket; returns its status."""
    while True:
        head_end = buf.find(b"\r\n\r\n")
        if head_end >= 0:
            head = bytes(buf[:head_end]).lower()
            i = head.find(b"content-length:")
            length = int(head[i + 15:head.find(b"\r\n", i) if head.find(b"\r\n", i) > 0 else None])
            if len(buf) >= head_end + 4 + length:
                status = int(head[9:12])
                del buf[:head_end + 4 + length]
                return status
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("server closed the connection")
        buf += chunk


def _camera_client(port: int, cam: str, token: str, batch: int, seconds: float, out: mp.Queue) -> None:
    """One camera on one keep-alive connection, posting the next batch as soon as the last is answered."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buf, seq, sent, bad = bytearray(), 0, 0, 0
    t_end = time.monotonic() + seconds
    while time.monotonic() < t_end:
        now = time.time()
        events = [{"seq": seq + i + 1, "time": now, "in": 1, "out": 1} for i in range(batch)]
        seq += batch
        sock.sendall(_request(cam, token, json.dumps({"stream": f"rate{batch}", "events": events}).encode()))
        bad += _read_response(sock, buf) != 200
        sent += 1
    out.put((sent, bad))


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (granian runs its app in a worker process)."""
    total = 0.0
    for task in Path(f"/proc/{pid}/task").iterdir():
        fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        for kid in (task / "children").read_text().split():
            total += _cpu_seconds(int(kid))
    return total


def request_rate(port: int, pid: int, tokens: dict[str, str], batch: int, seconds: float) -> tuple[float, float, int]:
    """(requests/s over the wall clock, requests per CPU-second of the server, non-200 answers)."""
    q: mp.Queue = mp.Queue()
    clients = [mp.Process(target=_camera_client, args=(port, cam, tok, batch, seconds, q)) for cam, tok in tokens.items()]
    cpu0, t0 = _cpu_seconds(pid), time.monotonic()
    for c in clients:
        c.start()
    results = [q.get(timeout=seconds + 30) for _ in clients]
    for c in clients:
        c.join()
    wall, cpu = time.monotonic() - t0, _cpu_seconds(pid) - cpu0
    sent = sum(n for n, _ in results)
    return sent / wall, sent / max(cpu, 1e-9), sum(b for _, b in results)


def round_trips(redis_url: str, port: int, cam: str, token: str, n: int = 500) -> tuple[float, dict[str, float]]:
    """Redis commands the server sends per camera request, watched with MONITOR over n sequential requests
    (commands run inside scripts excluded): (EVALSHA per request, every other command per request by name,
    i.e. what the process's background threads sent over the same window)."""
    r = redis.Redis.from_url(redis_url)
    seen: list[str] = []
    ready, done = threading.Event(), threading.Event()

    def watch() -> None:
        with r.monitor() as m:
            ready.set()
            for cmd in m.listen():
                if done.is_set():
                    return
                name = str(cmd.get("command", "")).split(" ", 1)[0].upper()
                if cmd.get("client_type") != "lua" and name != "MONITOR":
                    seen.append(name)

    t = threading.Thread(target=watch, daemon=True)
    t.start()
    ready.wait(5)
    with socket.create_connection(("127.0.0.1", port)) as sock:
        buf = bytearray()
        for seq in range(1, n + 1):
            sock.sendall(_request(cam, token, json.dumps({"stream": "rtt", "events": [
                {"seq": seq, "time": time.time(), "in": 1, "out": 1}]}).encode()))
            _read_response(sock, buf)
    done.set()
    r.ping()  # wakes the monitor so it sees `done`
    t.join(5)
    others: dict[str, float] = {}
    for c in seen:
        if c != "EVALSHA":
            others[c] = others.get(c, 0) + 1 / n
    return seen.count("EVALSHA") / n, others


def per_request(redis_url: str, info: dict, web_url: str, tokens: dict[str, str], seconds: float) -> None:
    """Batches of 1 and 10 into the camera-only process and the full web process, same cameras, same run."""
    targets = [("camera-only process (granian)", int(info["ingest_url"].rsplit(":", 1)[1]), info["ingest_pid"]),
               ("full web process (gunicorn)", int(web_url.rsplit(":", 1)[1]), info["web_pid"])]
    cam, tok = next(iter(tokens.items()))
    for name, port, pid in targets:
        trips, others = round_trips(redis_url, port, cam, tok)
        detail = ", ".join(f"{k} {v:.2f}" for k, v in sorted(others.items(), key=lambda kv: -kv[1])[:6])
        print(f"        {name}: {trips:.2f} Redis round trips per request (EVALSHA of the authorise-and-apply script; "
              f"MONITOR, 500 requests); its background threads sent {sum(others.values()):.2f} more per request "
              f"over the same window ({detail})")
        for batch in (1, 10):
            rate, capacity, bad = request_rate(port, pid, tokens, batch, seconds)
            print(f"        {name}, batches of {batch:>2}: {rate:,.0f} requests/s ({rate * batch:,.0f} events/s) with "
                  f"{len(tokens)} cameras on keep-alive connections; {capacity:,.0f} requests per CPU-second of the "
                  f"server process{f'; {bad} non-200 answers' if bad else ''}; target >= 2,000 requests/s at batch 1")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--cameras", type=int, default=100)
    ap.add_argument("--sockets", type=int, default=300)
    ap.add_argument("--skip-small", action="store_true", help="skip the batch-1 and batch-10 request rates")
    a = ap.parse_args()
    mall_file = mall_with_zones(a.cameras, Path(tempfile.mkdtemp()) / "mall.yaml")
    info: dict = {}
    with stack(mall_file, info=info, ingest=not a.skip_small) as (redis_url, url):
        r = redis.Redis.from_url(redis_url, decode_responses=True)
        ct = CameraTokens(r, Keys("b:"))
        import yaml

        cams = yaml.safe_load(mall_file.read_text())["cameras"]
        zone_of = {c["id"]: c["zone"] for c in cams if c.get("zone")}
        tokens = {c: ct.issue(c) for c in zone_of}
        raw = raw_redis_rate(redis_url, 3.0)
        eps, n, _ = throughput(url, dict(list(tokens.items())[:20]), a.seconds)
        print(f"ingest: {eps:,.0f} count events/s into one web process ({n:,} events, batches of 500, 4 client threads)")
        print(f"        raw Redis pipelined HINCRBY: {raw:,.0f} ops/s (same run, same server); target >= 5,000 events/s")
        # Per-request cost: a real camera sends a few events a second, so small batches are the common case.
        if not a.skip_small:
            per_request(redis_url, info, url, dict(list(tokens.items())[20:24]), a.seconds / 2)
        r.flushdb()
        tokens = {c: ct.issue(c) for c in zone_of}
        lat = latency(url, tokens, zone_of, a.sockets, a.seconds)
        ok = [x for x in lat if x != float("inf")]
        print(f"push -> socket: {len(lat)} batches from {len(tokens)} cameras at 2/s, {a.sockets} sockets: "
              f"p50 {pct(ok, 50) * 1000:.0f} ms, p99 {pct(lat, 99) * 1000:.0f} ms, undelivered {len(lat) - len(ok)}; target p99 <= 250 ms")


if __name__ == "__main__":
    main()
