"""User accounts in Redis with salted, stretched password hashes (werkzeug scrypt)."""

from __future__ import annotations

import json
import re
import time

import redis
from werkzeug.security import check_password_hash, generate_password_hash

from server.auth.sessions import Sessions
from server.store.keys import Keys

ROLES = ("manager", "staff")
USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,32}$")
# A fixed dummy hash so unknown users cost the same time as wrong passwords.
_DUMMY = generate_password_hash("not-a-real-password")


class UserError(ValueError):
    """Bad user input; the message names the field."""


class Users:
    """Accounts and their live sessions: replacing a password or removing a user ends every session of theirs."""

    def __init__(self, r: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = r, keys
        self.sessions = Sessions(r, keys)

    def create(self, username: str, password: str, role: str, display_name: str | None = None, replace: bool = False) -> None:
        if not USERNAME.match(username):
            raise UserError("username: 2-32 letters, digits, '.', '_' or '-'")
        if role not in ROLES:
            raise UserError(f"role: must be one of {', '.join(ROLES)}")
        if len(password) < 8:
            raise UserError("password: at least 8 characters")
        record = {"hash": generate_password_hash(password), "role": role, "name": display_name or username, "created": time.time()}
        if replace:
            self.r.hset(self.keys.users, username, json.dumps(record))
            self.sessions.end_all(username)
        elif not self.r.hsetnx(self.keys.users, username, json.dumps(record)):
            raise UserError(f"username: {username!r} already exists")

    def delete(self, username: str) -> bool:
        gone = bool(self.r.hdel(self.keys.users, username))
        self.sessions.end_all(username)
        return gone

    def set_password(self, username: str, password: str) -> int:
        """New password; ends every session of the user (returns how many were live)."""
        rec = self.get(username)
        if rec is None:
            raise UserError(f"username: no user {username!r}")
        if len(password) < 8:
            raise UserError("password: at least 8 characters")
        rec["hash"] = generate_password_hash(password)
        self.r.hset(self.keys.users, username, json.dumps(rec))
        return self.sessions.end_all(username)

    def get(self, username: str) -> dict | None:
        raw = self.r.hget(self.keys.users, username)
        return json.loads(raw) if raw else None

    def list(self) -> list[tuple[str, str, str]]:
        return sorted((u, json.loads(v)["role"], json.loads(v)["name"]) for u, v in self.r.hgetall(self.keys.users).items())

    def authenticate(self, username: str, password: str) -> dict | None:
        rec = self.get(username) if USERNAME.match(username or "") else None
        if rec is None:
            check_password_hash(_DUMMY, password)
            return None
        return rec if check_password_hash(rec["hash"], password) else None
