"""Login and logout pages and the session endpoint pages use to learn who they are."""

from __future__ import annotations

import time

from flask import Blueprint, current_app, jsonify, redirect, request, send_from_directory, session, url_for

from server.auth.guard import csrf_token, current_user
from server.auth.throttle import LoginThrottle
from server.services import Services


def _safe_next(target: str | None) -> str:
    # Only same-site paths: never redirect a login to another host.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("manager.index")


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


    @bp.route("/logout", methods=["GET", "POST"])
    def logout():  # type: ignore[no-untyped-def]
        session.clear()
        return redirect(url_for("auth.login"))


    @bp.get("/api/v1/session")
    def whoami():  # type: ignore[no-untyped-def]
        user = current_user()
        if user is None:
            return jsonify({"user": None})
        return jsonify({"user": user, "csrf": csrf_token()})

    return bp
