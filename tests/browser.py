"""Real Chromium through Playwright (Debian's binary; never `playwright install`)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


@contextmanager
def chromium() -> Iterator[object]:
    if not shutil.which("chromium"):
        pytest.skip("Debian chromium is not installed (make system-deps installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def console_errors(page) -> list[str]:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def open_page(browser, width: int, height: int, **context: Any) -> tuple[Any, Any, list[str]]:  # type: ignore[no-untyped-def]
    """(context, page, console errors): a page in a context of its own (cookies, storage, language), so tests
    sharing one browser never share a login or a remembered language."""
    ctx = browser.new_context(viewport={"width": width, "height": height}, **context)
    page = ctx.new_page()
    return ctx, page, console_errors(page)


def submit_login(page, username: str, password: str, ready: str | None = "#conn.online") -> None:  # type: ignore[no-untyped-def]
    """Fill in and send the login form on screen, as a person would; returns once the manager page is open
    (and `ready`, e.g. the live connection pill, is shown)."""
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/manager")
    if ready:
        page.wait_for_selector(ready)


def log_in(page, base: str, username: str, password: str, ready: str | None = "#conn.online",  # type: ignore[no-untyped-def]
           path: str = "/manager") -> None:
    """Open `path` (the manager page sends a visitor to the login form) and log in through the form."""
    page.goto(base + path)
    submit_login(page, username, password, ready)


def set_language(page, lang: str, tap: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Switch the page to `lang` ('zh' or 'en') with its language button (tapped on touch kiosks) unless it is
    already in it; returns once the page says it is."""
    from playwright.sync_api import expect

    if page.locator("body").get_attribute("data-lang") != lang:
        if tap:
            page.locator("#lang").tap()
        else:
            page.locator("#lang").click()
    expect(page.locator("body")).to_have_attribute("data-lang", lang)
