"""The checkout feed on the real app and the session's real Redis, a key prefix per test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis
from flask import Flask

from core.mall.loader import load_mall
from server import create_app
from server.settings import Settings


@pytest.fixture
def app(redis_url: str) -> Iterator[Flask]:
    prefix = f"test-checkout-{uuid.uuid4().hex[:10]}:"
    app = create_app(Settings(redis_url=redis_url, key_prefix=prefix, secret_key="t", message_queue=False), load_mall())
    app.config.update(TESTING=True)
    yield app
    r = redis.Redis.from_url(redis_url)
    keys = list(r.scan_iter(match=prefix + "*", count=500))
    if keys:
        r.delete(*keys)


@pytest.fixture
def token(app: Flask) -> str:
    return str(app.extensions["services"].api_tokens.issue("pos-test"))
