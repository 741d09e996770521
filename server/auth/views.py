"""Login and logout pages and the session endpoint pages use to learn who they are."""

from __future__ import annotations

import html
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, jsonify, redirect, request, send_from_directory, session, url_for

from server.auth.devices import COOKIE as DEVICE_COOKIE
from server.auth.devices import MAX_AGE_SECONDS as DEVICE_MAX_AGE
from server.auth.devices import KnownDevices
from server.auth.guard import check_same_origin, csrf_token, current_user, require_role
from server.auth.sessions import RevocableSessionInterface
from server.auth.throttle import LoginThrottle, client_address
from server.auth.users import UserError
from server.errors import ApiError
from server.services import Services


def _safe_next(target: str | None) -> str:
    """Only a path on this site. Browsers drop tabs and newlines from a Location and read a backslash as "/",
    so "/%09/evil.example" would become "//evil.example" (another host), and a CR/LF cannot go into a header:
    any control character, space or backslash is refused, as is anything with a scheme or host."""
    if not target or len(target) > 2000 or not target.startswith("/") or target.startswith("//"):
        return url_for("manager.index")
    if any(ord(c) <= 0x20 or ord(c) == 0x7F or c == "\\" for c in target):
        return url_for("manager.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return url_for("manager.index")
    return target


_ERROR_LINE = re.compile(r'<p id="error"[^>]*>.*?</p>', re.S)


def _throttled_page(pages_dir: str, wait: int) -> Response:
    """The login form again, with the wait in its error line (a person sees a form, not JSON)."""
    page = (Path(pages_dir) / "login.html").read_text(encoding="utf-8")
    message = html.escape(f"Too many failed logins from here. Try again in {wait} s.")
    page = _ERROR_LINE.sub(f'<p id="error" class="error" role="alert">{message}</p>', page, count=1)
    return Response(page, status=429, mimetype="text/html", headers={"Retry-After": str(wait), "Cache-Control": "no-store"})


def create_blueprint(svc: Services) -> Blueprint:
    bp = Blueprint("auth", __name__)
    throttle = LoginThrottle(svc.redis, svc.keys)
    devices = KnownDevices(svc.settings.secret_key)
    sessions = svc.users.sessions
    lifetime = svc.settings.session_minutes * 60
    # Sessions are this feature's: the app reads every session cookie through the revocation check.
    bp.record_once(lambda state: setattr(state.app, "session_interface", RevocableSessionInterface(sessions)))

    @bp.get("/login")
    def login():  # type: ignore[no-untyped-def]
        if current_user():
            return redirect(_safe_next(request.args.get("next")))
        return send_from_directory(current_app.config["PAGES_DIR"], "login.html")


    @bp.post("/login")
    def login_post():  # type: ignore[no-untyped-def]
        check_same_origin()
        username = request.form.get("username", "")
        password = request.form.get("password", "")
        nxt = request.form.get("next") or request.args.get("next")
        address = client_address(request.remote_addr, request.headers.get("X-Forwarded-For"), svc.settings.trusted_proxies)
        device_cookie = request.cookies.get(DEVICE_COOKIE)
        attempt = throttle.attempt(address, username, devices.device_for(device_cookie, username))
        wait = throttle.retry_after(attempt)
        if wait:
            # a browser names text/html in Accept and gets the form again; scripts (*/*, JSON) get JSON
            if not any(mt in ("text/html", "application/xhtml+xml") for mt, _ in request.accept_mimetypes):
                raise ApiError(429, "too_many_attempts", f"too many failed logins; try again in {wait} s", "username",
                               retry_after=wait)
            return _throttled_page(current_app.config["PAGES_DIR"], wait)
        rec = svc.users.authenticate(username, password)
        if rec is None:
            throttle.failed(attempt)
            return redirect(url_for("auth.login", error="1", next=nxt or None))
        throttle.succeeded(attempt)
        sessions.end(session.get("sid"))
        session.clear()
        session.permanent = True
        session["sid"] = sessions.start(username, lifetime)
        session["user"] = {"username": username, "role": rec["role"], "name": rec["name"]}
        session["login_at"] = time.time()
        csrf_token()
        resp = redirect(_safe_next(nxt))
        resp.set_cookie(DEVICE_COOKIE, devices.remember(device_cookie, username), max_age=DEVICE_MAX_AGE, httponly=True,
                        samesite="Lax", secure=svc.settings.secure_cookies, path="/login")
        return resp


    @bp.post("/logout")
    def logout():  # type: ignore[no-untyped-def]
        check_same_origin()  # POST only, from this site: a link or another site cannot log a user out
        sessions.end(session.get("sid"))
        session.clear()
        return redirect(url_for("auth.login"))


    @bp.get("/api/v1/session")
    def whoami():  # type: ignore[no-untyped-def]
        user = current_user()
        if user is None:
            return jsonify({"user": None})
        return jsonify({"user": user, "csrf": csrf_token()})

    @bp.post("/api/v1/session/logout-all")
    @require_role("manager", "staff")
    def logout_everywhere():  # type: ignore[no-untyped-def]
        """End every session of this user, on every device (this one included)."""
        ended = sessions.end_all(current_user()["username"])  # type: ignore[index]
        session.clear()
        return jsonify({"ok": True, "ended": ended})

    @bp.post("/api/v1/session/password")
    @require_role("manager", "staff")
    def change_password():  # type: ignore[no-untyped-def]
        """{current, new}: a new password ends every session of this user (log in again with it)."""
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise ApiError(400, "invalid", "send a JSON object {current, new}", "body")
        username = current_user()["username"]  # type: ignore[index]
        current, new = body.get("current"), body.get("new")
        if not isinstance(current, str) or svc.users.authenticate(username, current) is None:
            raise ApiError(400, "wrong_password", "the current password is not right", "current")
        if not isinstance(new, str):
            raise ApiError(400, "invalid", "new must be a string of at least 8 characters", "new")
        try:
            ended = svc.users.set_password(username, new)
        except UserError as exc:
            raise ApiError(400, "invalid", str(exc), "new") from None
        session.clear()
        return jsonify({"ok": True, "ended": ended})

    return bp
