"""Login redirects stay on this site, another site cannot log a browser in or out, logout is POST only."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest

from tests.conftest import make_user

BASE = "http://localhost/"
HOSTILE_NEXT = [
    "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "/\\evil.example", "/\\/evil.example",
    "//evil.example", "https://evil.example/", "/%0d%0aSet-Cookie:x=1", "/\r\nSet-Cookie: x=1", " //evil.example",
    "/\x00/evil.example", "/\x7f/evil.example", "javascript:alert(1)",
]


def _as_browser_reads(location: str) -> str:
    """What a browser makes of a Location: tabs and newlines dropped, backslashes read as slashes."""
    cleaned = location.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    return urljoin(BASE, cleaned)


def _login(client, prefix: str, nxt: str | None = None):  # type: ignore[no-untyped-def]
    user, pw = make_user(client.application.extensions["services"].redis, "boss", prefix=prefix)
    data = {"username": user, "password": pw}
    if nxt is not None:
        data["next"] = nxt
    return client.post("/login", data=data)


@pytest.mark.parametrize("nxt", HOSTILE_NEXT)
def test_login_next_never_leaves_the_site(client, prefix, nxt) -> None:  # type: ignore[no-untyped-def]
    res = _login(client, prefix, nxt)
    assert res.status_code == 302, res.get_data(as_text=True)
    assert urlsplit(_as_browser_reads(res.headers["Location"])).netloc == "localhost", res.headers["Location"]
    # logged in already: GET /login?next=... redirects at once, through the same check
    res = client.get("/login", query_string={"next": nxt})
    assert res.status_code == 302
    assert urlsplit(_as_browser_reads(res.headers["Location"])).netloc == "localhost", res.headers["Location"]


def test_login_next_keeps_a_plain_path(client, prefix) -> None:  # type: ignore[no-untyped-def]
    res = _login(client, prefix, "/manager?tab=zones")
    assert res.headers["Location"].endswith("/manager?tab=zones")


def test_encoded_crlf_in_next_is_not_a_500(client, prefix) -> None:  # type: ignore[no-untyped-def]
    _login(client, prefix)
    res = client.get("/login?next=/%0d%0aSet-Cookie:%20evil=1")
    assert res.status_code == 302
    assert "evil" not in res.headers.get("Set-Cookie", "")
    assert "\n" not in res.headers["Location"] and "\r" not in res.headers["Location"]


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site", "Origin": "http://shop.localhost"},
])
def test_cross_site_login_sets_no_session(client, prefix, headers) -> None:  # type: ignore[no-untyped-def]
    user, pw = make_user(client.application.extensions["services"].redis, "boss", prefix=prefix)
    res = client.post("/login", data={"username": user, "password": pw}, headers=headers)
    assert res.status_code == 403 and res.json["error"] == "cross_site" and res.json["field"] == "Origin"
    assert client.get("/api/v1/session").json["user"] is None


def test_same_origin_login_works(client, prefix) -> None:  # type: ignore[no-untyped-def]
    user, pw = make_user(client.application.extensions["services"].redis, "boss", prefix=prefix)
    res = client.post("/login", data={"username": user, "password": pw},
                      headers={"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"})
    assert res.status_code == 302
    assert client.get("/api/v1/session").json["user"]["username"] == "boss"


def test_logout_is_post_only_and_same_site(client, prefix) -> None:  # type: ignore[no-untyped-def]
    _login(client, prefix)
    assert client.get("/logout").status_code == 405
    assert client.get("/api/v1/session").json["user"] is not None
    res = client.post("/logout", headers={"Origin": "https://evil.example"})
    assert res.status_code == 403
    assert client.get("/api/v1/session").json["user"] is not None
    assert client.post("/logout", headers={"Origin": "http://localhost"}).status_code == 302
    assert client.get("/api/v1/session").json["user"] is None
