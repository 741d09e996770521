"""Known devices: a signed cookie naming the users who logged in successfully on this browser.

Login throttling trusts it to tell the real user's own browser from an attacker's, so that guesses from
elsewhere never lock that browser out. It grants nothing else: the password is still required.
"""

from __future__ import annotations

import secrets

from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "mall_device"
MAX_AGE_SECONDS = 180 * 86400
MAX_USERS = 8


class KnownDevices:
    def __init__(self, secret_key: str) -> None:
        self._signer = URLSafeSerializer(secret_key, salt="known-device")

    def _load(self, cookie: str | None) -> dict | None:
        if not cookie:
            return None
        try:
            data = self._signer.loads(cookie)
        except BadSignature:
            return None
        ok = isinstance(data, dict) and isinstance(data.get("d"), str) and isinstance(data.get("u"), list)
        return data if ok else None

    def device_for(self, cookie: str | None, username: str) -> str | None:
        """This browser's device id when it has logged in as `username` before, else None."""
        data = self._load(cookie)
        return data["d"] if data and username.lower() in data["u"] else None

    def remember(self, cookie: str | None, username: str) -> str:
        """The cookie value after a successful login as `username`."""
        data = self._load(cookie) or {"d": secrets.token_urlsafe(12), "u": []}
        users = [u for u in data["u"] if u != username.lower()] + [username.lower()]
        return self._signer.dumps({"d": data["d"], "u": users[-MAX_USERS:]})
