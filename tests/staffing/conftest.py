"""Staffing tests use the Redis named by REDIS_URL (default the machine's 127.0.0.1:6379), a prefix per test."""

from __future__ import annotations

import os
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
def staffing_redis_url() -> str:
    return os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def rds(staffing_redis_url: str) -> Iterator[redis.Redis]:
    r = redis.Redis.from_url(staffing_redis_url, decode_responses=True)
    try:
        r.ping()
    except redis.ConnectionError:
        pytest.fail(f"no Redis at {staffing_redis_url}; start one or set REDIS_URL")
    yield r
    r.close()


@pytest.fixture
def prefix(rds: redis.Redis) -> Iterator[str]:
    p = f"test-staffing-{uuid.uuid4().hex[:10]}:"
    yield p
    keys = list(rds.scan_iter(match=p + "*", count=500))
    if keys:
        rds.delete(*keys)
