"""The checkout feed on the real app (tests/conftest.py `app`: the session's real Redis, a key prefix per test)."""

from __future__ import annotations

import pytest
from flask import Flask


@pytest.fixture
def token(app: Flask) -> str:
    return str(app.extensions["services"].api_tokens.issue("pos-test"))
