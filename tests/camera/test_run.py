"""`python -m camera run` end to end: real footage → pipeline → spool → HTTP → Redis, as a separate process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.conftest import PETS, ROOT, ServerProcess, login, make_user

CAM, ZONE = "cam-gaming-laptops-1", "gaming-laptops"
VIDEO = PETS / "PETS09-S2L1.mp4"


def run_camera(*extra: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "camera", "run", *extra], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, check=False)


@pytest.mark.skipif(not VIDEO.exists(), reason=f"dev footage absent: {VIDEO}")
def test_camera_node_counts_real_footage_into_the_server(live: ServerProcess, tokens, r, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tok = tokens.issue(CAM)
    res = run_camera("--camera", CAM, "--source", str(VIDEO), "--server", live.url, "--token", tok,
                     "--spool", str(tmp_path / "spool.sqlite"), "--max-frames", "240")
    assert res.returncode == 0, res.stderr[-2000:]
    delivered = int(res.stderr.split("stopped; ")[1].split(" events delivered")[0])
    # Truth for frames 1-200 of this footage: 5 crossings (counts.json); 240 frames hold a few more.
    assert delivered >= 4
    user, pw = make_user(r)
    s = login(live.url, user, pw)
    z = next(z for z in s.get(live.url + "/api/v1/manager/zones", timeout=5).json()["zones"] if z["zone"] == ZONE)
    assert z["in_today"] + z["out_today"] == delivered  # every crossing arrived exactly once
    status = requests.get(f"{live.url}/api/v1/cameras/{CAM}/status", headers={"Authorization": f"Bearer {tok}"}, timeout=5).json()
    assert status["online"] is True and status["heartbeat"]["version"] and status["open_gaps"] == []
    beat = status["heartbeat"]  # the detector rate the node chose: every frame of this 7 fps clip
    assert beat["detect_stride"] == 1 and beat["detect_fps"] == pytest.approx(beat["fps"], rel=0.01)
    cached = json.loads((tmp_path / "spool.config.json").read_text())
    assert cached["in_side"] in ("left", "right")  # the server's config, cached for restarts during outages


def test_bad_arguments_name_the_flag(tmp_path: Path) -> None:
    res = run_camera("--camera", CAM, "--source", "x.mp4", timeout=60)
    assert res.returncode == 2 and "--token" in res.stderr and "Traceback" not in res.stderr
    bad = tmp_path / "cam.yaml"
    bad.write_text("line: [[0.5, 0], [3, 1]]\nin_side: up\n")
    res = run_camera("--camera", CAM, "--source", "x.mp4", "--token", "t", "--config", str(bad),
                     "--spool", str(tmp_path / "s.sqlite"), timeout=60)
    assert res.returncode == 2 and "--config" in res.stderr and "line" in res.stderr and "Traceback" not in res.stderr
    good = tmp_path / "good.yaml"
    good.write_text("line: [[0.5, 0], [0.5, 1]]\nin_side: left\n")
    res = run_camera("--camera", CAM, "--source", str(tmp_path / "missing.mp4"), "--token", "t", "--config", str(good),
                     "--spool", str(tmp_path / "s.sqlite"), "--server", "http://127.0.0.1:9", timeout=60)
    assert res.returncode == 2 and "--source" in res.stderr and "Traceback" not in res.stderr


@pytest.mark.skipif(not VIDEO.exists(), reason=f"dev footage absent: {VIDEO}")
def test_preview_is_served_on_localhost_only(tmp_path: Path) -> None:
    """--preview serves annotated MJPEG on 127.0.0.1 only, and stops with the node."""
    import socket
    import time

    from server.redis_server import free_port

    port = free_port()
    cfg = tmp_path / "cam.yaml"
    cfg.write_text("line: [[0.5, 0], [0.5, 1]]\nin_side: left\n")
    proc = subprocess.Popen([sys.executable, "-m", "camera", "run", "--camera", CAM, "--source", str(VIDEO), "--token", "t",
                             "--config", str(cfg), "--spool", str(tmp_path / "s.sqlite"), "--server", "http://127.0.0.1:9",
                             "--realtime", "--preview", str(port)], cwd=ROOT, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        body = b""
        while time.monotonic() < deadline and b"\xff\xd8" not in body:
            try:
                with requests.get(f"http://127.0.0.1:{port}/", stream=True, timeout=2) as res:
                    assert res.headers["Content-Type"].startswith("multipart/x-mixed-replace")
                    for chunk in res.iter_content(4096):
                        body += chunk
                        if b"\xff\xd8" in body:
                            break
            except requests.RequestException:
                time.sleep(0.3)
        assert b"Content-Type: image/jpeg" in body and b"\xff\xd8" in body  # a JPEG frame
        listeners = [line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:]]
        ours = [x for x in listeners if x[3] == "0A" and int(x[1].split(":")[1], 16) == port]
        assert ours and all(x[1].split(":")[0] == "0100007F" for x in ours)  # bound to 127.0.0.1 only
    finally:
        proc.terminate()
        proc.wait(20)
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0  # gone with the node
