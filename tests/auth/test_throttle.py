"""Login throttling: by the real client address (X-Forwarded-For only from trusted proxies), never a lockout of
the real user's own browser, and a locked-out person sees the form with a message."""

from __future__ import annotations

import pytest

from server.auth.throttle import FREE_PER_ACCOUNT, FREE_PER_PAIR, client_address
from tests.browser import chromium
from tests.conftest import ServerProcess, make_user

WRONG = "not-the-password"


@pytest.fixture
def proxied_app(make_app):  # type: ignore[no-untyped-def]
    """The app as deployed behind the shipped nginx: one trusted proxy appends the client to X-Forwarded-For."""
    return make_app(trusted_proxies=1)


def _post(client, user: str, password: str, via: str | None = None, **headers: str):  # type: ignore[no-untyped-def]
    if via is not None:  # what nginx passes on: whatever the client sent, then the client's real address
        headers["X-Forwarded-For"] = via
    return client.post("/login", data={"username": user, "password": password}, headers=headers,
                       environ_base={"REMOTE_ADDR": "127.0.0.1"})


def _logged_in(res) -> bool:  # type: ignore[no-untyped-def]
    return res.status_code == 302 and "/login" not in res.headers["Location"]


def test_client_address() -> None:
    assert client_address("127.0.0.1", "6.6.6.6", 0) == "127.0.0.1"  # no proxy trusted: the header is ignored
    assert client_address("127.0.0.1", "1.2.3.4, 6.6.6.6", 1) == "6.6.6.6"  # the client cannot prepend its way out
    assert client_address("127.0.0.1", "1.2.3.4, 6.6.6.6, 10.0.0.2", 2) == "6.6.6.6"
    assert client_address("127.0.0.1", "6.6.6.6", 2) == "127.0.0.1"  # did not come through both proxies
    assert client_address("127.0.0.1", "not-an-address", 1) == "127.0.0.1"


def test_forwarded_for_is_ignored_without_a_trusted_proxy(app, client, prefix) -> None:  # type: ignore[no-untyped-def]
    user, pw = make_user(app.extensions["services"].redis, "boss", prefix=prefix)
    for i in range(FREE_PER_PAIR):
        assert not _logged_in(_post(client, user, WRONG, via=f"10.1.0.{i}"))
    res = _post(client, user, pw, via="10.1.0.99")
    assert res.status_code == 429 and int(res.headers["Retry-After"]) > 0


def test_attackers_address_is_slowed_not_the_users(proxied_app, prefix) -> None:  # type: ignore[no-untyped-def]
    user, pw = make_user(proxied_app.extensions["services"].redis, "boss", prefix=prefix)
    attacker, real_user = proxied_app.test_client(), proxied_app.test_client()
    for _ in range(FREE_PER_PAIR + 3):
        _post(attacker, user, WRONG, via="203.0.113.66")
    assert _post(attacker, user, pw, via="203.0.113.66").status_code == 429
    assert _post(attacker, user, pw, via="198.51.100.1, 203.0.113.66").status_code == 429  # prepending does not help
    assert _logged_in(_post(real_user, user, pw, via="192.0.2.10"))


def test_guessing_from_many_addresses_never_locks_the_users_own_browser(proxied_app, prefix) -> None:  # type: ignore[no-untyped-def]
    user, pw = make_user(proxied_app.extensions["services"].redis, "boss", prefix=prefix)
    own = proxied_app.test_client()
    assert _logged_in(_post(own, user, pw, via="192.0.2.10"))
    assert own.post("/logout").status_code == 302
    attacker = proxied_app.test_client()
    for i in range(FREE_PER_ACCOUNT + 5):
        _post(attacker, user, WRONG, via=f"203.0.{i // 200}.{i % 200 + 1}")
    # the account is now slowed for browsers that never logged in as it, from any address ...
    assert _post(proxied_app.test_client(), user, pw, via="198.51.100.77").status_code == 429
    # ... but the real user's own browser gets in, even from the attacker's last address
    assert _logged_in(_post(own, user, pw, via="203.0.0.1"))
    assert own.get("/api/v1/session").json["user"]["username"] == user


def test_own_browser_is_throttled_on_its_own_failures(proxied_app, prefix) -> None:  # type: ignore[no-untyped-def]
    user, pw = make_user(proxied_app.extensions["services"].redis, "boss", prefix=prefix)
    own = proxied_app.test_client()
    assert _logged_in(_post(own, user, pw, via="192.0.2.10"))
    own.post("/logout")
    for _ in range(FREE_PER_PAIR):
        _post(own, user, WRONG, via="192.0.2.10")
    assert _post(own, user, pw, via="192.0.2.10").status_code == 429  # a stolen device cookie is no free pass


def test_lockout_answer_is_the_form_with_a_message(app, client, prefix) -> None:  # type: ignore[no-untyped-def]
    user, pw = make_user(app.extensions["services"].redis, "boss", prefix=prefix)
    for _ in range(FREE_PER_PAIR):
        _post(client, user, WRONG)
    res = _post(client, user, pw, Accept="text/html,application/xhtml+xml,*/*;q=0.8")
    text = res.get_data(as_text=True)
    assert res.status_code == 429 and res.mimetype == "text/html"
    assert '<form method="post" action="/login"' in text and "Too many failed logins" in text
    assert "Try again in " in text and int(res.headers["Retry-After"]) > 0
    for accept in ("application/json", "*/*"):
        res = _post(client, user, pw, Accept=accept)
        assert res.status_code == 429 and res.json["error"] == "too_many_attempts" and res.json["field"] == "username"


def test_lockout_in_a_real_browser(live: ServerProcess, r) -> None:  # type: ignore[no-untyped-def]
    user, pw = make_user(r, "throttled-boss")
    with chromium() as browser:
        page = browser.new_page()  # type: ignore[attr-defined]
        for _ in range(FREE_PER_PAIR):
            page.goto(live.url + "/login")
            page.fill("input[name=username]", user)
            page.fill("input[name=password]", WRONG)
            page.click("button[type=submit]")
            page.wait_for_load_state()
            assert page.locator("#error").is_visible()
        page.goto(live.url + "/login")
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", pw)
        with page.expect_navigation() as nav:
            page.click("button[type=submit]")
        assert nav.value.status == 429
        assert page.locator("#error").is_visible()
        assert "Try again in" in page.locator("#error").inner_text()
        assert page.locator("input[name=password]").is_visible()  # the form, not JSON
