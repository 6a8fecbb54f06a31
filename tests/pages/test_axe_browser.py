"""Every page of every role, at a laptop's 1440 x 900 and a phone's 390 x 844, in Debian's
chromium against a DEBUG-off server (collected static files, the production CSP): zero serious
or critical axe-core violations, no console error, no Content-Security-Policy violation. The
403, 404 and sign-in pages too."""

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.a11y import Watch, axe_violations
from tests.browser import TIMEOUT_MS
from tests.dashboard.server import Server, manage, prepare_database, server_env

HERE = Path(__file__).parent
PASSWORD = "browser-pass-2026"
SIZES = {"1440": {"width": 1440, "height": 900}, "390": {"width": 390, "height": 844}}
MISSING = f"/tickets/{uuid.uuid4()}/"
PAGES = {
    "rita": ["/tickets/", "/tickets/new/", "/tickets/{DETAIL}/", "/kb/", "/kb/1/"],
    "alice": ["/", "/tickets/", "/tickets/{DETAIL}/", "/tickets/new/", "/board/", "/kb/",
              "/kb/1/", "/notifications/"],
    "maria": ["/dashboard/"],
}  # fmt: skip
REFUSED = {"rita": [("/board/", 403), (MISSING, 404)]}
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "axe-browser-test-secret-key-0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "SECURE_HSTS_SECONDS": "0",
}

pytestmark = [pytest.mark.slow, pytest.mark.embedded]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("axe")
    env = server_env(
        folder / "db.sqlite3",
        **PRODUCTION,
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
    )
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    prepare_database(env)
    seed = "".join((HERE / name).read_text() for name in SEEDS)
    printed = manage(env, "shell", "-c", seed)
    served = Server(env).start()
    served.ids = dict(re.findall(r"^(DETAIL|RESOLVED) (\S+)$", printed, re.MULTILINE))
    yield served
    served.stop()


SEEDS = ("seed_browser.py", "seed_responsive.py", "seed_a11y.py")


def open_page(browser, viewport: dict) -> tuple[Page, Watch]:
    page = browser.new_context(viewport=viewport).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page, Watch(page)


def sign_in(page: Page, server, username: str) -> None:
    page.goto(f"{server.base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def check(page: Page, watch: Watch, url: str, status: int = 200) -> list[str]:
    if status != 200:
        watch.expected.add(url)
    response = page.goto(url)
    assert response is not None and response.status == status, url
    page.wait_for_load_state("networkidle")  # htmx fragments and sockets settle first
    return axe_violations(page)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("username", sorted(PAGES))
def test_every_page_is_accessible_without_console_or_csp_errors(server, browser, username, size):
    page, watch = open_page(browser, SIZES[size])
    sign_in(page, server, username)
    violations = []
    for path in PAGES[username]:
        violations += check(page, watch, server.base + path.format(**server.ids))
    for path, status in REFUSED.get(username, []):
        violations += check(page, watch, server.base + path, status)
    page.wait_for_timeout(300)  # console messages of the last page arrive asynchronously
    assert violations == []
    assert watch.problems == []
    page.context.close()


@pytest.mark.parametrize("size", SIZES)
def test_the_sign_in_page_is_accessible(server, browser, size):
    page, watch = open_page(browser, SIZES[size])
    assert check(page, watch, f"{server.base}/accounts/login/") == []
    assert check(page, watch, f"{server.base}/no-such-page/", 404) == []
    assert watch.problems == []
    page.context.close()


def test_the_check_finds_what_it_should(browser):
    """The helper is not blind: an unlabelled field and unreadable text are reported."""
    page, _ = open_page(browser, SIZES["1440"])
    page.set_content(
        '<html lang="en"><body><main><h1>Form</h1><input type="text">'
        '<p style="color:#ccc;background:#fff">faint</p></main></body></html>'
    )
    found = " ".join(axe_violations(page))
    assert "label" in found and "color-contrast" in found
    page.context.close()
