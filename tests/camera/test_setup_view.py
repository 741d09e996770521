"""Installer view (`python -m camera setup`) in real Chromium: live frame, drag the line, save, file changes, counts restart."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import yaml

from tests.browser import chromium, console_errors
from tests.camera.conftest import ROOT


def start_setup(video: Path, config: Path) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "camera", "setup", "--source", str(video), "--config", str(config),
                             "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "http://127.0.0.1:" not in line:
        proc.kill()
        raise AssertionError(f"setup did not start: {line!r} {proc.stderr.read() if proc.stderr else ''}")
    return proc, line.split("http://")[1].split("/")[0]


def wait_for(cond, timeout: float = 30.0, what: str = "condition"):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = cond()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def setup_node(pets, tmp_path: Path):  # type: ignore[no-untyped-def]
    config = tmp_path / "cam.yaml"
    config.write_text("line: [[0.5, 0.0], [0.5, 1.0]]\nin_side: left\ndetector: {name: openvino, score_threshold: 0.2}\n")
    proc, host = start_setup(pets[0], config)
    try:
        yield proc, host, config
    finally:
        proc.terminate()
        proc.wait(20)


def test_installer_drags_the_line_saves_and_counts_restart(setup_node) -> None:  # type: ignore[no-untyped-def]
    proc, host, config = setup_node
    base = f"http://{host}"
    state = lambda: requests.get(base + "/api/state", timeout=5).json()  # noqa: E731
    wait_for(lambda: state()["tracks"] and state()["counts"]["in"] + state()["counts"]["out"] > 0, 60, "a first count")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        errors = console_errors(page)
        page.goto(base + "/")
        wait_for(lambda: page.evaluate("document.getElementById('config-path').textContent") == str(config), 10, "page state")
        # The frame is drawn (not the grey placeholder) and the counts shown are the node's.
        lit = page.evaluate("""() => { const c = document.getElementById('view');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let v = 0;
            for (let i = 0; i < d.length; i += 4000) v += Math.abs(d[i] - 60); return [c.width, c.height, v]; }""")
        assert lit[:2] == [768, 576] and lit[2] > 1000
        assert int(page.inner_text("#in-count")) + int(page.inner_text("#out-count")) > 0
        epoch0 = state()["epoch"]
        box = page.locator("#view").bounding_box()
        assert box is not None
        # Drag handle 2 from (0.5, 1.0) to (0.7, 0.9), handle 1 from (0.5, 0.0) to (0.3, 0.1).
        for (fx, fy), (tx, ty) in (((0.5, 1.0), (0.7, 0.9)), ((0.5, 0.0), (0.3, 0.1))):
            page.mouse.move(box["x"] + fx * box["width"], box["y"] + fy * box["height"] - (1 if fy == 1.0 else -1))
            page.mouse.down()
            page.mouse.move(box["x"] + (fx + tx) / 2 * box["width"], box["y"] + (fy + ty) / 2 * box["height"], steps=4)
            page.mouse.move(box["x"] + tx * box["width"], box["y"] + ty * box["height"], steps=4)
            page.mouse.up()
        assert page.is_visible("#dirty")
        page.check("input[name=in_side][value=right]")
        page.click("#save")
        page.wait_for_selector("#status.ok")
        page.screenshot(path=str(ROOT / "test-artifacts" / "camera-setup-view.png"))
        saved = yaml.safe_load(config.read_text())
        (x1, y1), (x2, y2) = saved["line"]
        assert abs(x1 - 0.3) < 0.01 and abs(y1 - 0.1) < 0.01 and abs(x2 - 0.7) < 0.01 and abs(y2 - 0.9) < 0.01, saved
        assert saved["in_side"] == "right"
        assert saved["detector"] == {"name": "openvino", "score_threshold": 0.2}  # other keys kept
        st = state()
        assert st["epoch"] == epoch0 + 1 and st["line"] == saved["line"] and st["in_side"] == "right"
        assert st["counts"]["in"] + st["counts"]["out"] <= 1  # restarted (PETS crossings are seconds apart)
        # An invalid line (both ends on one point) is refused with the field named, and the file stays.
        before = config.read_text()
        assert page.locator("#view").bounding_box() == box  # messages do not move the frame
        for fx, fy in ((0.3, 0.1), (0.7, 0.9)):
            page.mouse.move(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
            page.mouse.down()
            page.mouse.move(box["x"] + 0.5 * box["width"], box["y"] + 0.5 * box["height"], steps=4)
            page.mouse.up()
        assert json.loads(page.evaluate("document.getElementById('view').dataset.line")) == [[0.5, 0.5], [0.5, 0.5]]
        page.click("#save")
        page.wait_for_selector("#status.error")
        assert "field: line" in page.inner_text("#status")
        assert config.read_text() == before
        assert [e for e in errors if "400 (Bad Request)" not in e] == []  # the refused save logs its 400
    assert proc.poll() is None


def test_save_endpoint_validates_and_refuses_foreign_requests(setup_node) -> None:  # type: ignore[no-untyped-def]
    _, host, config = setup_node
    base = f"http://{host}"
    before = config.read_text()
    bad = requests.post(base + "/api/config", json={"line": [[0.5, 0], [3, 1]], "in_side": "left"}, timeout=5)
    assert bad.status_code == 400 and bad.json()["field"] == "line" and "line" in bad.json()["detail"]
    side = requests.post(base + "/api/config", json={"line": [[0.5, 0], [0.5, 1]], "in_side": "up"}, timeout=5)
    assert side.status_code == 400 and side.json()["field"] == "in_side"
    form = requests.post(base + "/api/config", data="line=x", headers={"Content-Type": "application/x-www-form-urlencoded"},
                         timeout=5)
    assert form.status_code == 415  # a cross-site form cannot write the config
    rebinding = requests.get(base + "/api/state", headers={"Host": "evil.example:80"}, timeout=5)
    assert rebinding.status_code == 403 and rebinding.json()["field"] == "Host"
    assert config.read_text() == before
    good = requests.post(base + "/api/config", json={"line": [[0.2, 0.1], [0.8, 0.9]], "in_side": "right"}, timeout=5)
    assert good.status_code == 200 and json.loads(json.dumps(yaml.safe_load(config.read_text())["line"])) == [[0.2, 0.1], [0.8, 0.9]]
    # Bound to loopback only.
    port = int(host.split(":")[1])
    listeners = [ln.split() for ln in Path("/proc/net/tcp").read_text().splitlines()[1:]]
    ours = [x for x in listeners if x[3] == "0A" and int(x[1].split(":")[1], 16) == port]
    assert ours and all(x[1].split(":")[0] == "0100007F" for x in ours)
    with socket.socket() as s:
        s.settimeout(2)
        assert s.connect_ex(("127.0.0.1", port)) == 0


def test_bad_arguments_name_the_flag(tmp_path: Path) -> None:
    def setup(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "camera", "setup", *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=60, check=False)

    res = setup("--source", str(tmp_path / "none.mp4"), "--config", str(tmp_path / "cam.yaml"))
    assert res.returncode == 2 and "--source" in res.stderr and "Traceback" not in res.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("line: [[0.5, 0], [0.5, 0]]\n")
    res = setup("--source", str(tmp_path / "none.mp4"), "--config", str(bad))
    assert res.returncode == 2 and "line" in res.stderr and str(bad) in res.stderr and "Traceback" not in res.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        video = tmp_path / "v.mp4"
        video.write_bytes(b"")  # exists; the port is checked before the source is opened
        res = setup("--source", str(video), "--config", str(tmp_path / "cam.yaml"), "--port", str(busy.getsockname()[1]))
    assert res.returncode == 2 and "--port" in res.stderr and "Traceback" not in res.stderr
