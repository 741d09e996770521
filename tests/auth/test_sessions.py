"""Sessions end server-side: a copy of the cookie (and its CSRF token) taken before logout, a password change,
the user's removal or "log out everywhere" answers 401 afterwards, over HTTP and over Socket.IO."""

from __future__ import annotations

import pytest
import requests
import socketio

from tests.conftest import ServerProcess, login, make_user

COOKIE = "mall_session"


def _manager(client, prefix: str, name: str = "boss"):  # type: ignore[no-untyped-def]
    user, pw = make_user(client.application.extensions["services"].redis, name, "manager", prefix=prefix)
    assert client.post("/login", data={"username": user, "password": pw}).status_code == 302
    return user, pw, client.get("/api/v1/session").json["csrf"]


def _copy(app, client):  # type: ignore[no-untyped-def]
    """What a thief of the cookie holds: a second browser with the same cookie."""
    other = app.test_client()
    other.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return other


def _still_works(client, csrf: str) -> bool:  # type: ignore[no-untyped-def]
    who = client.get("/api/v1/session").json["user"]
    res = client.post("/api/v1/counters/C03", json={"state": "open", "reason": "test"}, headers={"X-CSRF-Token": csrf})
    assert res.status_code in (200, 401), res.get_data(as_text=True)
    assert (who is not None) == (res.status_code == 200)
    return res.status_code == 200


def test_copied_cookie_works_while_the_session_lives(app, client, prefix) -> None:  # type: ignore[no-untyped-def]
    _, _, csrf = _manager(client, prefix)
    assert _still_works(_copy(app, client), csrf)


def test_logout_ends_the_session_for_every_copy_of_the_cookie(app, client, prefix) -> None:  # type: ignore[no-untyped-def]
    _, _, csrf = _manager(client, prefix)
    thief = _copy(app, client)
    assert client.post("/logout").status_code == 302
    assert not _still_works(thief, csrf)


@pytest.mark.parametrize("how", ["password_api", "password_cli", "user_removed", "logout_everywhere", "logout_cli"])
def test_every_session_of_the_user_ends(app, client, prefix, how) -> None:  # type: ignore[no-untyped-def]
    svc = app.extensions["services"]
    user, pw, csrf = _manager(client, prefix)
    laptop = app.test_client()
    assert laptop.post("/login", data={"username": user, "password": pw}).status_code == 302
    laptop_csrf = laptop.get("/api/v1/session").json["csrf"]
    thief = _copy(app, client)
    other_user = app.test_client()
    _, _, other_csrf = _manager(other_user, prefix, "deputy")
    runner = app.test_cli_runner()
    if how == "password_api":
        res = client.post("/api/v1/session/password", json={"current": pw, "new": "another-horse-2"},
                          headers={"X-CSRF-Token": csrf})
        assert res.status_code == 200 and res.json["ended"] == 2, res.json
    elif how == "password_cli":
        out = runner.invoke(args=["users", "passwd", user], env={"NEW_USER_PASSWORD": "another-horse-2"})
        assert out.exit_code == 0, out.output
    elif how == "user_removed":
        assert svc.users.delete(user)
    elif how == "logout_everywhere":
        res = laptop.post("/api/v1/session/logout-all", headers={"X-CSRF-Token": laptop_csrf})
        assert res.status_code == 200 and res.json["ended"] == 2
    else:
        out = runner.invoke(args=["users", "logout", user])
        assert out.exit_code == 0 and "2 session(s)" in out.output, out.output
    for c, token in ((client, csrf), (laptop, laptop_csrf), (thief, csrf)):
        assert not _still_works(c, token), how
    assert _still_works(other_user, other_csrf)  # another user's session is untouched
    if how.startswith("password"):
        assert client.post("/login", data={"username": user, "password": pw}).headers["Location"].find("error=1") >= 0
        assert client.post("/login", data={"username": user, "password": "another-horse-2"}).status_code == 302
        assert client.get("/api/v1/session").json["user"]["username"] == user


def test_password_change_needs_the_current_password(app, client, prefix) -> None:  # type: ignore[no-untyped-def]
    _, _, csrf = _manager(client, prefix)
    res = client.post("/api/v1/session/password", json={"current": "wrong-one-123", "new": "another-horse-2"},
                      headers={"X-CSRF-Token": csrf})
    assert res.status_code == 400 and res.json["field"] == "current"
    res = client.post("/api/v1/session/password", json={"current": "correct-horse-1", "new": "short"},
                      headers={"X-CSRF-Token": csrf})
    assert res.status_code == 400 and res.json["field"] == "new"
    assert _still_works(client, csrf)


def test_a_cookie_without_a_server_side_session_is_anonymous(app, client, prefix) -> None:  # type: ignore[no-untyped-def]
    """A cookie signed with the right key but never recorded (e.g. from before this change) is not a login."""
    with client.session_transaction() as s:
        s["user"] = {"username": "boss", "role": "manager", "name": "Boss"}
        s["login_at"] = 9e9
        s["csrf"] = "x"
    assert client.get("/api/v1/session").json["user"] is None


def test_socket_with_an_ended_session_is_refused(live: ServerProcess, r) -> None:  # type: ignore[no-untyped-def]
    user, pw = make_user(r, "sock-boss", "manager")
    s = login(live.url, user, pw)
    cookie = "; ".join(f"{c.name}={c.value}" for c in s.cookies)
    csrf = s.get(live.url + "/api/v1/session", timeout=5).json()["csrf"]
    assert s.post(live.url + "/logout", timeout=5, allow_redirects=False).status_code == 302
    thief = requests.Session()
    res = thief.post(live.url + "/api/v1/counters/C03", json={"state": "open", "reason": "t"},
                     headers={"Cookie": cookie, "X-CSRF-Token": csrf}, timeout=5)
    assert res.status_code == 401, res.text
    c = socketio.Client(reconnection=False)
    c.connect(live.url, transports=["websocket"], headers={"Cookie": cookie})
    try:
        assert c.call("subscribe_managers", {}, timeout=5)["ok"] is False
    finally:
        c.disconnect()


def test_connected_socket_loses_its_rights_when_the_session_ends(live: ServerProcess, r) -> None:  # type: ignore[no-untyped-def]
    user, pw = make_user(r, "sock-boss2", "manager")
    s = login(live.url, user, pw)
    cookie = "; ".join(f"{c.name}={c.value}" for c in s.cookies)
    c = socketio.Client(reconnection=False)
    c.connect(live.url, transports=["websocket"], headers={"Cookie": cookie})
    try:
        assert c.call("subscribe_managers", {}, timeout=5)["ok"] is True
        assert s.post(live.url + "/logout", timeout=5, allow_redirects=False).status_code == 302
        assert c.call("subscribe_managers", {}, timeout=5)["ok"] is False
        ack = c.call("set_counter", {"counter": "C16", "state": "open", "reason": "after logout"}, timeout=5)
        assert ack == {"ok": False, "error": "login_required"}
    finally:
        c.disconnect()
