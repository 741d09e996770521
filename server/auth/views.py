"""Login and logout pages and the session endpoint pages use to learn who they are."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import Blueprint, current_app, jsonify, redirect, request, send_from_directory, session, url_for

from server.auth.guard import check_same_origin, csrf_token, current_user
from server.auth.throttle import LoginThrottle
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


def create_blueprint(svc: Services) -> Blueprint:
    bp = Blueprint("auth", __name__)
    throttle = LoginThrottle(svc.redis, svc.keys)

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
        ip = request.remote_addr or "?"
        wait = throttle.retry_after(ip, username)
        if wait:
            resp = jsonify({"error": "too_many_attempts", "detail": f"too many failed logins; try again in {wait} s", "field": "username"})
            resp.status_code = 429
            resp.headers["Retry-After"] = str(wait)
            return resp
        rec = svc.users.authenticate(username, password)
        if rec is None:
            throttle.failed(ip, username)
            return redirect(url_for("auth.login", error="1", next=nxt or None))
        throttle.succeeded(ip, username)
        session.clear()
        session.permanent = True
        session["user"] = {"username": username, "role": rec["role"], "name": rec["name"]}
        session["login_at"] = time.time()
        csrf_token()
        return redirect(_safe_next(nxt))


    @bp.post("/logout")
    def logout():  # type: ignore[no-untyped-def]
        check_same_origin()  # POST only, from this site: a link or another site cannot log a user out
        session.clear()
        return redirect(url_for("auth.login"))


    @bp.get("/api/v1/session")
    def whoami():  # type: ignore[no-untyped-def]
        user = current_user()
        if user is None:
            return jsonify({"user": None})
        return jsonify({"user": user, "csrf": csrf_token()})

    return bp
