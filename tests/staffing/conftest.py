"""Staffing tests share the session's real Redis (tests/conftest.py `redis_url`) under a key prefix per test.

No flushdb here: other suites use the same server, so each test cleans only its own prefix.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis

from core.mall.loader import load_mall
from core.mall.schema import Mall


@pytest.fixture(scope="session")
def mall() -> Mall:
    return load_mall()


@pytest.fixture(scope="session")
def staffing_redis_url(redis_url: str) -> str:
    return redis_url


@pytest.fixture
def rds(redis_url: str) -> Iterator[redis.Redis]:
    r = redis.Redis.from_url(redis_url, decode_responses=True)
    r.ping()
    yield r
    r.close()


@pytest.fixture
def prefix(rds: redis.Redis) -> Iterator[str]:
    p = f"test-staffing-{uuid.uuid4().hex[:10]}:"
    yield p
    keys = list(rds.scan_iter(match=p + "*", count=500))
    if keys:
        rds.delete(*keys)
