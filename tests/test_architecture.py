"""Dependencies point one way: camera → core ← server. A wrong-way import fails here, whatever file it is in."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"camera": {"server"}, "server": {"camera"}, "core": {"server", "camera"}}


def imported_packages(path: Path) -> set[tuple[int, str]]:
    """(line, top-level package) of every import in a file, including ones inside functions."""
    out: set[tuple[int, str]] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out |= {(node.lineno, a.name.split(".")[0]) for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add((node.lineno, node.module.split(".")[0]))
    return out


def test_no_import_points_the_wrong_way() -> None:
    wrong = []
    for package, banned in FORBIDDEN.items():
        for path in sorted((ROOT / package).rglob("*.py")):
            wrong += [f"{path.relative_to(ROOT)}:{line} imports {pkg}" for line, pkg in imported_packages(path) if pkg in banned]
    assert not wrong, "imports that point the wrong way:\n" + "\n".join(wrong)


def test_the_walker_sees_imports_inside_functions(tmp_path: Path) -> None:
    src = tmp_path / "m.py"
    src.write_text("def f():\n    from server.store import Keys\n    import camera.spool\n")
    assert {pkg for _, pkg in imported_packages(src)} == {"server", "camera"}


def _pins(name: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s#]+)", line.strip())
        if m:
            pins[m.group(1).lower().replace("_", "-")] = m.group(2)
    return pins


def test_server_and_camera_installs_are_separate_and_agree() -> None:
    server, camera = _pins("requirements.txt"), _pins("requirements-camera.txt")
    assert not {"opencv-python-headless", "opencv-python", "openvino"} & set(server), "the server needs no OpenCV/OpenVINO"
    assert not {"flask", "flask-socketio", "gunicorn"} & set(camera), "a camera box needs no web server"
    shared = set(server) & set(camera)
    assert {p: (server[p], camera[p]) for p in shared if server[p] != camera[p]} == {}, "shared pins must agree"


def test_the_server_runs_without_importing_opencv() -> None:
    code = ("import sys; from server import create_app; import server.staffing.backtest; "
            "print(','.join(m for m in ('cv2', 'openvino', 'camera') if m in sys.modules))")
    res = subprocess.run([sys.executable, "-c", code], check=False, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.strip() == "", f"the server imported {res.stdout.strip()}"


def test_pyproject_states_the_two_installs() -> None:
    import warnings

    from packaging.requirements import Requirement
    from setuptools.config.pyprojecttoml import read_configuration

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        extras = read_configuration(ROOT / "pyproject.toml", expand=True)["project"]["optional_dependencies"]
    for extra, file in (("server", "requirements.txt"), ("camera", "requirements-camera.txt")):
        names = {Requirement(x).name.lower().replace("_", "-") for x in extras[extra]}
        assert names == set(_pins(file)), extra
