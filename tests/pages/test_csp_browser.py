"""The pages under their Content-Security-Policy in a real browser (Debian's chromium through
Playwright, against daphne): every page works (websockets connect, Swagger renders, bars are
drawn) and the browser reports no violation of the policy, in the console or as a
``securitypolicyviolation`` event."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser import TIMEOUT_MS, chromium, sign_in
from tests.dashboard.server import ADMIN, seeded_server

SEED = Path(__file__).with_name("seed_csp.py")
# Reported by an init script, so that violations of every document (also after navigations) reach
# the console listener below.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`securitypolicyviolation: ${event.effectiveDirective} blocked ` +
    `${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`);
});
"""
VIOLATION = re.compile(r"Content Security Policy|securitypolicyviolation|Refused to", re.I)

pytestmark = [pytest.mark.slow, pytest.mark.embedded]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    served, printed = seeded_server(tmp_path_factory.mktemp("csp") / "db.sqlite3", SEED)
    served.seed = dict(
        line.split("=", 1) for line in printed.splitlines() if line[:7] in ("TICKET=", "CSAT=/c")
    )
    yield served
    served.stop()


@pytest.fixture(scope="module")
def page(server):
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(REPORT_VIOLATIONS)
        opened = context.new_page()
        opened.set_default_timeout(TIMEOUT_MS)
        opened.violations = []
        opened.errors = []
        opened.on(
            "console",
            lambda message: (
                VIOLATION.search(message.text)
                and opened.violations.append(f"{opened.url}: {message.text}")
            ),
        )
        opened.on("pageerror", lambda error: opened.errors.append(f"{opened.url}: {error}"))
        yield opened
        context.close()


def visit(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("load")


def test_the_pages_work_without_a_single_policy_violation(server, page):
    base = server.base
    sign_in(page, base, *ADMIN, then="/")  # the login page is checked like any other
    expect(page.locator("#queue tr", has_text="CSP VPN drops")).to_be_visible()

    visit(page, f"{base}/tickets/{server.seed['TICKET']}/")
    expect(page.locator("#allocation .bar-fill").first).to_have_attribute("data-percent", "90")
    # itsm.js drew the bar through the CSSOM: its fill spans 90 % of the track.
    share = page.evaluate(
        "(fill => fill.getBoundingClientRect().width / fill.parentElement.getBoundingClientRect()"
        ".width)(document.querySelector('#allocation .bar-fill'))"
    )
    assert share == pytest.approx(0.9, abs=0.01)
    expect(page.locator("#presence")).to_have_attribute("data-state", "connected")
    expect(page.locator("#kb")).not_to_contain_text("Loading suggestions")  # htmx swapped it

    visit(page, f"{base}/board/")
    expect(page.locator(".kcard").first).to_be_visible()

    visit(page, f"{base}/dashboard/")
    expect(page.locator("#ws-state")).to_have_text("connected")
    assert page.evaluate("typeof window.Chart") == "function"

    visit(page, f"{base}/kb/")
    page.locator("a", has_text="VPN drops").first.click()
    expect(page.locator("h1")).to_contain_text("VPN drops")

    visit(page, f"{base}/admin/")
    expect(page.locator("#site-name")).to_be_visible()
    visit(page, f"{base}/admin/tickets/ticket/")
    page.locator("#result_list tbody a").first.click()
    expect(page.locator("#ticket_form")).to_be_visible()
    visit(page, f"{base}/admin/org/team/add/")
    expect(page.locator("#team_form")).to_be_visible()

    visit(page, f"{base}/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() > 20

    visit(page, f"{base}{server.seed['CSAT']}")
    expect(page.locator("h1")).to_have_text("How did we do?")

    page.wait_for_timeout(300)  # console messages of the last page arrive asynchronously
    assert page.violations == []
    assert page.errors == []


def test_the_websocket_is_allowed_by_connect_src_self(server, page):
    """connect-src 'self' covers ws:// on the page's own host and port in Chromium."""
    # Signed in here: the test before may have run on another worker, or not at all.
    sign_in(page, server.base, *ADMIN, then="/")
    visit(page, f"{server.base}/dashboard/")
    header = page.evaluate(
        "fetch(location.href).then(r => r.headers.get('content-security-policy'))"
    )
    assert "connect-src 'self'" in header
    expect(page.locator("#ws-state")).to_have_text("connected")
    assert page.violations == []
