"""The camera node installs and runs on its own: a fresh venv with requirements-camera.txt only.

It counts a real clip there, and the server's packages (Flask, Flask-SocketIO, gunicorn) are not importable,
so a camera box never carries the web stack.  pip's cache is warm after the first run, so this takes seconds.
"""

from __future__ import annotations

import json
import subprocess
import venv
from pathlib import Path

import pytest

from tests.camera.conftest import ROOT, dev_clip


@pytest.fixture(scope="module")
def camera_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("camera-venv") / "v"
    venv.EnvBuilder(with_pip=True).create(where)
    py = where / "bin" / "python"
    # --no-compile: the byte code of scipy, OpenCV and OpenVINO is written on first import instead (most of the
    # install time, and the test imports only what it runs)
    res = subprocess.run([str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-compile", "-r",
                          str(ROOT / "requirements-camera.txt")], capture_output=True, text=True, timeout=900, check=False)
    assert res.returncode == 0, res.stderr[-3000:]
    return py


def run(py: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(py), *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)


def test_server_packages_are_not_installed(camera_venv: Path) -> None:
    res = run(camera_venv, "-c", "import importlib.util, json; "
              "print(json.dumps({m: importlib.util.find_spec(m) is not None for m in "
              "('flask', 'flask_socketio', 'gunicorn', 'cv2', 'openvino', 'pydantic')}))")
    assert res.returncode == 0, res.stderr
    found = json.loads(res.stdout)
    assert found == {"flask": False, "flask_socketio": False, "gunicorn": False, "cv2": True, "openvino": True, "pydantic": True}


@pytest.mark.parametrize(("command", "flag"), [("run", "--source"), ("evaluate", "--video"), ("setup", "--config")])
def test_subcommands_start(camera_venv: Path, command: str, flag: str) -> None:
    res = run(camera_venv, "-m", "camera", command, "--help")
    assert res.returncode == 0 and flag in res.stdout, res.stderr


def test_counts_a_clip_in_the_camera_only_venv(camera_venv: Path) -> None:
    video, truth = dev_clip("TUD-Campus")
    res = run(camera_venv, "-m", "camera", "evaluate", "--video", str(video), "--truth", str(truth), "--json", timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    out = json.loads(res.stdout)
    assert out["frames"] == 71 and out["f1"] >= 0.571  # the same floor as tests/camera/test_devset.py


def test_every_installed_package_is_pinned(camera_venv: Path) -> None:
    """Exact pins: a camera box gets exactly what was tested, transitive dependencies included."""
    res = run(camera_venv, "-m", "pip", "freeze", "--disable-pip-version-check")
    assert res.returncode == 0, res.stderr
    norm = lambda line: line.split("#")[0].strip().lower().replace("_", "-")  # noqa: E731
    installed = {norm(x) for x in res.stdout.splitlines() if "==" in x}
    pinned = {norm(x) for x in (ROOT / "requirements-camera.txt").read_text().splitlines() if "==" in norm(x)}
    assert installed - pinned == set(), "installed but not pinned in requirements-camera.txt"
