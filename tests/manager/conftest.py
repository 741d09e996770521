"""Fixtures of the manager tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from server.kiosk.content import DEFAULT_CONTENT_DIR


@pytest.fixture
def content_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the kiosk content the editor may write, used by the apps this test builds."""
    root = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, root)
    monkeypatch.setenv("KIOSK_CONTENT_DIR", str(root))
    return root
