"""Server-side sessions: the signed cookie carries a session id, Redis says whether that id is still live.

A signed cookie alone cannot be taken back: after logout it stayed valid for its full lifetime. Each login now
records its id (hashed, so a Redis dump holds no usable cookie) under the user; logout ends that one, a password
change, a user's removal or "log out everywhere" end them all, and every request checks its id.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from typing import Any

import redis
from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

from server.store.keys import Keys

log = logging.getLogger(__name__)


def _digest(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()[:32]


class Sessions:
    def __init__(self, r: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = r, keys

    def start(self, username: str, lifetime_seconds: int) -> str:
        """A new live session for `username`; returns the id to put in the cookie."""
        sid = secrets.token_urlsafe(32)
        digest = _digest(sid)
        pipe = self.r.pipeline(transaction=True)
        pipe.set(self.keys.session(digest), username, ex=lifetime_seconds)
        pipe.sadd(self.keys.user_sessions(username), digest)
        pipe.expire(self.keys.user_sessions(username), lifetime_seconds)
        pipe.execute()
        return sid

    def active(self, sid: Any, username: str) -> bool:
        return isinstance(sid, str) and self.r.get(self.keys.session(_digest(sid))) == username

    def end(self, sid: Any) -> None:
        if not isinstance(sid, str):
            return
        digest = _digest(sid)
        username = self.r.getdel(self.keys.session(digest))
        if username:
            self.r.srem(self.keys.user_sessions(username), digest)

    def end_all(self, username: str) -> int:
        """End every session of `username`; returns how many were live."""
        digests = self.r.smembers(self.keys.user_sessions(username))
        pipe = self.r.pipeline(transaction=True)
        for d in digests:
            pipe.delete(self.keys.session(d))
        pipe.delete(self.keys.user_sessions(username))
        return sum(int(n) for n in pipe.execute()[:-1])


class UnverifiedSession(SecureCookieSession):
    """Empty stand-in for a login cookie Redis could not check: trusted with nothing, and the cookie is kept."""

    unverified = True


class RevocableSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, but a cookie whose session was ended reads as an empty session.
    Used for HTTP requests and, through Flask-SocketIO's managed sessions, for sockets (checked on connect)."""

    def __init__(self, sessions: Sessions) -> None:
        self.sessions = sessions

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        sess = super().open_session(app, request)
        user = sess.get("user") if sess is not None else None
        if not user:
            return sess
        try:
            live = self.sessions.active(sess.get("sid"), str(user.get("username", "")))
        except redis.RedisError as exc:  # fail closed (current_user answers 503); the cookie is left alone
            log.warning("session check failed: %r", exc)
            return UnverifiedSession()
        return sess if live else self.session_class()
