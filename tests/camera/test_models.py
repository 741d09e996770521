"""The shipped model files are the ones measured: checksums from NOTICE, licence beside them, and a missing or
corrupt file stops the node with a message naming it."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from camera.models import MODELS, ModelError, expected_sums, verify
from tests.camera.conftest import ROOT

SHIPPED = ROOT / "camera" / "models"


def test_notice_checksums_match_every_shipped_file():
    sums = expected_sums()
    files = sorted(p.relative_to(SHIPPED).as_posix() for p in SHIPPED.glob("*/*") if p.suffix in (".xml", ".bin"))
    assert files == sorted(sums) and len(files) == 2 * len(MODELS)
    for rel, want in sums.items():
        assert hashlib.sha256((SHIPPED / rel).read_bytes()).hexdigest() == want, rel
    # The .bin sums equal the ones recorded against the Open Model Zoo (shared/models/PROVENANCE.md).
    assert sums["person-detection-0201/person-detection-0201.bin"].startswith("9975dfca5aa8c409")
    assert sums["person-detection-retail-0013/person-detection-retail-0013.bin"].startswith("6f09cb7061328942")
    notice = (SHIPPED / "NOTICE").read_text()
    assert "Apache License 2.0" in notice and "Open Model Zoo" in notice
    assert "Apache License" in (SHIPPED / "LICENSE").read_text() and "Version 2.0" in (SHIPPED / "LICENSE").read_text()
    for name in MODELS:
        assert verify(name).name == name


@pytest.fixture
def model_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "models"
    shutil.copytree(SHIPPED, dst, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    for p in dst.rglob("*"):
        p.chmod(0o644 if p.is_file() else 0o755)
    return dst


def _run_node(models: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    cfg = tmp_path / "cam.yaml"
    cfg.write_text("line: [[0.5, 0], [0.5, 1]]\nin_side: left\n")
    env = {**os.environ, "CAMERA_MODELS_DIR": str(models)}
    return subprocess.run([sys.executable, "-m", "camera", "run", "--camera", "cam-x", "--source", str(tmp_path / "none.mp4"),
                           "--token", "t", "--config", str(cfg), "--spool", str(tmp_path / "s.sqlite"),
                           "--server", "http://127.0.0.1:9"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
                          check=False)


def test_corrupt_model_stops_the_node_naming_the_file(model_copy: Path, tmp_path: Path):
    ok = _run_node(model_copy, tmp_path)
    assert ok.returncode == 2 and "--source" in ok.stderr  # an intact copy passes the check (then the source fails)
    binf = model_copy / "person-detection-0201" / "person-detection-0201.bin"
    data = bytearray(binf.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte
    binf.write_bytes(bytes(data))
    res = _run_node(model_copy, tmp_path)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert str(binf) in res.stderr and "corrupt" in res.stderr


def test_missing_model_stops_the_node_naming_the_file(model_copy: Path, tmp_path: Path):
    xml = model_copy / "person-detection-0201" / "person-detection-0201.xml"
    xml.unlink()
    res = _run_node(model_copy, tmp_path)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert str(xml) in res.stderr and "missing" in res.stderr


def test_verify_names_unknown_models():
    with pytest.raises(ModelError, match="unknown model"):
        verify("yolo")
