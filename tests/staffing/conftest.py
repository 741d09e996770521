"""Staffing tests use the session's real Redis and the test's own key prefix (tests/conftest.py `r`, `prefix`)."""

from __future__ import annotations

import pytest

from core.mall.loader import load_mall
from core.mall.schema import Mall


@pytest.fixture(scope="session")
def mall() -> Mall:
    return load_mall()
