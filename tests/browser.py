"""Shared by the browser tests: Debian's chromium (apt-get install chromium, never downloaded)
launched headless through Playwright."""

import re
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 15_000


@contextmanager
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def seeded_pages_server(folder: Path, seeds: list[Path], names: str):
    """A live server seeded with the page tests' scripts (concatenated, run once), its printed
    "<NAME> <id>" lines for ``names`` (a regex alternation) kept as ``served.ids``."""
    from tests.dashboard.server import seeded_server

    seed = folder / "seed.py"
    seed.write_text("".join(path.read_text() for path in seeds))
    served, printed = seeded_server(folder / "db.sqlite3", seed)
    served.ids = dict(re.findall(rf"^({names}) (\S+)$", printed, re.MULTILINE))
    return served


def signed_in_page(browser, base: str, username: str, password: str, viewport: dict):
    """A new page of its own context, signed in through the login form; uncaught script errors
    are collected in ``page.errors``."""
    page = browser.new_context(viewport=viewport).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    sign_in(page, base, username, password)
    page.wait_for_load_state("networkidle")
    return page


def sign_in(page, base: str, username: str, password: str, *, then: str = "") -> None:
    """Through the login form, then on to ``then`` (a path) when given; returns once signed in,
    so a caller's next ``goto`` cannot cut the login's POST short. The form's own button is
    clicked: on a page of someone signed in already the header's "Sign out" button is the
    first submit button, and clicking that signed out."""
    login = f"{base}/accounts/login/"
    page.goto(login + (f"?next={then}" if then else ""))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form:has(#id_username) button[type=submit]")
    if then:
        page.wait_for_url(f"{base}{then}")
    else:  # wherever the login sends a user: anywhere but the login page
        page.wait_for_url(lambda url: not url.startswith(login))
