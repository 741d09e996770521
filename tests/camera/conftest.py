"""Shared fixtures for the camera tests: dev footage location and a synthetic clip."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PETS_DIR = ROOT.parent / "shared" / "data" / "PETS09-S2L1"
PETS_VIDEO = PETS_DIR / "PETS09-S2L1.mp4"
PETS_TRUTH = PETS_DIR / "counts.json"
DEV_CLIPS = ("PETS09-S2L1", "KITTI-17", "TUD-Campus")


def dev_clip(name: str) -> tuple[Path, Path]:
    """(video, counts.json) of one dev clip in ../shared/data, or skip naming what is missing."""
    d = ROOT.parent / "shared" / "data" / name
    video, truth = d / f"{name}.mp4", d / "counts.json"
    if not (video.is_file() and truth.is_file()):
        pytest.skip(f"{name} footage not found at {d} (internal test data, not in the repo)")
    return video, truth


@pytest.fixture(scope="session")
def pets() -> tuple[Path, Path]:
    """(video, counts.json) of the dev footage, read in place (never copied into the repo)."""
    if not (PETS_VIDEO.is_file() and PETS_TRUTH.is_file()):
        pytest.skip(f"PETS09-S2L1 footage not found at {PETS_DIR} (internal test data, not in the repo)")
    return PETS_VIDEO, PETS_TRUTH


@pytest.fixture(scope="session")
def synthetic_clip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Short synthetic video + exact counts.json truth."""
    from camera.synthetic import default_scene

    scene = default_scene(640, 480, 10.0)
    return scene.write(tmp_path_factory.mktemp("synthetic"))


@pytest.fixture(scope="session")
def ffmpeg() -> str:
    path = shutil.which("ffmpeg")
    if path is None:
        pytest.skip("ffmpeg not installed (apt-get install -y ffmpeg) - needed to serve a local live stream")
    return path
