"""Who is logged in, role checks for views, and CSRF for state-changing requests."""

from __future__ import annotations

import functools
import hmac
import secrets
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, redirect, request, session, url_for

from server.errors import ApiError
from server.ingest.tokens import ApiTokens


def current_user() -> dict[str, Any] | None:
    """The session's user, or None when anonymous or expired."""
    if getattr(session, "unverified", False):  # the session check could not reach Redis: neither in nor out
        raise ApiError(503, "unavailable", "cannot check the login: the data store is unreachable; retry later")
    user = session.get("user")
    if not user:
        return None
    max_age = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    if time.time() - float(session.get("login_at", 0)) > max_age:
        session.clear()
        return None
    return user


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def check_csrf() -> None:
    sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token") or ""
    if not hmac.compare_digest(sent, session.get("csrf", "") or "\0"):
        raise ApiError(403, "csrf", "missing or wrong CSRF token (send the X-CSRF-Token header)", "X-CSRF-Token")


def check_same_origin() -> None:
    """Refuse a browser request another site made (login CSRF, forced logout).
    Browsers send Origin and Sec-Fetch-Site on every cross-site POST; clients that send neither are not browsers."""
    site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    if site is not None and site not in ("same-origin", "none"):
        raise ApiError(403, "cross_site", f"this form may only be sent from this site (Sec-Fetch-Site: {site[:20]})",
                       "Origin")
    if origin is not None and (origin == "null" or urlsplit(origin).netloc.lower() != request.host.lower()):
        raise ApiError(403, "cross_site", "this form may only be sent from this site (Origin differs from Host)", "Origin")


def require_role(*roles: str, page: bool = False, tokens: ApiTokens | None = None) -> Callable:
    """Allow only logged-in users with one of `roles`; pages redirect to login, APIs answer 401/403.
    The pseudo-role "api" also admits an API token from `tokens` (`flask api-tokens add NAME`)."""
    if "api" in roles and tokens is None:
        raise ValueError("the 'api' role needs the API token store")
    roles = roles or ("manager",)

    def deco(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if tokens is not None and request.headers.get("Authorization", "").startswith("Bearer api_"):
                if not tokens.owner_of(request.headers["Authorization"][7:].strip()):
                    raise ApiError(401, "unauthorized", "the API token is not valid", "Authorization")
                return view(*args, **kwargs)  # bearer tokens are not sent by browsers: no CSRF risk
            user = current_user()
            if user is None:
                if page:
                    return redirect(url_for("auth.login", next=request.path))
                raise ApiError(401, "login_required", "log in as " + " or ".join(roles))
            if user["role"] not in roles:
                raise ApiError(403, "forbidden", f"role {user['role']!r} may not do this; needs " + " or ".join(roles))
            if request.method not in ("GET", "HEAD", "OPTIONS"):
                check_csrf()
            return view(*args, **kwargs)

        return wrapped

    return deco
