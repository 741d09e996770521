"""One way to open Redis for the whole server.

Retries are only safe before a command reaches Redis. redis-py's own retry re-sends a command after a read
timeout, so a write that Redis was merely slow to answer (stalled for 8 s) ran twice. Here a command is retried
only when it failed while connecting or during the health-check PING, i.e. before any of its bytes were
written; once sent, a timeout or a dropped connection is reported to the caller (503) and never repeated.
"""

from __future__ import annotations

import logging
from typing import Any

import redis
import socketio
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

log = logging.getLogger(__name__)


class NotSent(redis.exceptions.ConnectionError):
    """The command was not written to Redis (connecting or the health check failed): safe to retry."""


class WriteOnceConnection(redis.Connection):
    """A TCP connection that tells failures before sending (retried) from failures after (never retried)."""

    def send_packed_command(self, command, check_health: bool = True) -> None:  # type: ignore[no-untyped-def]
        try:
            if not self._sock:
                self.connect()
            if check_health:
                self.check_health()
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
            if isinstance(exc, NotSent):
                raise
            raise NotSent(str(exc)) from exc
        super().send_packed_command(command, check_health=False)


def connect(url: str, max_connections: int = 256, decode_responses: bool = True) -> redis.Redis:
    """Short timeouts so a stalled or restarted Redis costs a few failed requests, not hung threads.
    A blocking pool: under a burst, requests wait briefly for a connection instead of failing."""
    extra = {"connection_class": WriteOnceConnection} if url.startswith("redis://") else {}
    pool = redis.BlockingConnectionPool.from_url(
        url, decode_responses=decode_responses, socket_timeout=5, socket_connect_timeout=2, health_check_interval=15,
        max_connections=max_connections, timeout=5,
        retry=Retry(ExponentialBackoff(cap=1.0, base=0.05), 3, supported_errors=(NotSent,)),
        **extra,
    )
    return redis.Redis(connection_pool=pool)


class SocketIOQueue(socketio.RedisManager):
    """The Socket.IO message queue between web processes, on this module's bounded blocking pool.

    python-socketio opens the queue with redis-py's default pool, which refuses a 101st concurrent connection
    ("Too many connections"). With 200 sockets subscribing at once, that many handler threads emit together:
    publishes failed, each failure rebuilt the client (closing the listener's pub/sub under it), and the
    listener backed off 1, 2, 4 s... so the crowd room went quiet for up to 12 s. Here publishers wait briefly
    for a pooled connection, a failed publish is logged with its exception and never rebuilds anything, and
    only the listener (re)opens its own pub/sub.
    """

    def __init__(self, url: str, channel: str, max_connections: int = 64, **kwargs: Any) -> None:
        super().__init__(url, channel=channel, **kwargs)
        self.redis = connect(url, max_connections=max_connections, decode_responses=False)

    def _redis_connect(self) -> None:  # called by the listener thread when it (re)subscribes
        if self.pubsub is not None:
            try:
                self.pubsub.close()
            except redis.RedisError:
                pass
        self.pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        self.connected = True

    def _publish(self, data: Any) -> Any:
        try:
            return self.redis.publish(self.channel, self.json.dumps(data))
        except redis.RedisError as exc:
            log.error("cannot publish a Socket.IO message to Redis (dropped): %r", exc)
            return None


class QueueEmitter:
    """Emits onto the Socket.IO message queue from a process with no Socket.IO server of its own (the
    camera-only process): the web processes deliver them to their sockets. Quacks like `SocketIO.emit`."""

    def __init__(self, url: str, channel: str) -> None:
        self.queue = SocketIOQueue(url, channel, write_only=True)

    def emit(self, event: str, data: Any, to: str | None = None, ignore_queue: bool = False) -> None:
        if not ignore_queue:  # "own" emits target this process's sockets, and it has none
            self.queue.emit(event, data, namespace="/", room=to)
