"""One way to open Redis for the whole server."""

from __future__ import annotations

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry


def connect(url: str, max_connections: int = 256) -> redis.Redis:
    """Short timeouts and retries so a Redis restart costs a few failed requests, not hung threads.
    A blocking pool: under a burst, requests wait briefly for a connection instead of failing."""
    pool = redis.BlockingConnectionPool.from_url(
        url, decode_responses=True, socket_timeout=5, socket_connect_timeout=2, health_check_interval=15,
        max_connections=max_connections, timeout=5,
        retry=Retry(ExponentialBackoff(cap=1.0, base=0.05), 3),
        retry_on_error=[redis.exceptions.ConnectionError, redis.exceptions.TimeoutError],
    )
    return redis.Redis(connection_pool=pool)
