"""The agent and requester journeys in a real browser (Debian's chromium through Playwright)
against daphne on a free port with its own SQLite file. Screenshots go to docs/screenshots/."""

import os
import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser import TIMEOUT_MS
from tests.dashboard.server import ROOT, seeded_server

SEED = Path(__file__).with_name("seed_browser.py")
PASSWORD = "browser-pass-2026"
# The README's screenshots are refreshed with `UPDATE_SCREENSHOTS=1 make test`; ordinary runs
# still take every screenshot (a page that fails to render fails the test) but into a temp dir,
# so the suite never rewrites tracked files.
SHOTS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get("UPDATE_SCREENSHOTS")
    else Path(tempfile.gettempdir()) / f"itsm-screenshots-{os.getpid()}"
)
SECRETS = ("SECRET-INTERNAL-NOTE", "SECRET-ENVELOPE-REASON", "INTERNAL-FROM-BROWSER")

pytestmark = [pytest.mark.slow, pytest.mark.embedded]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    served, _ = seeded_server(tmp_path_factory.mktemp("pages") / "db.sqlite3", SEED)
    yield served
    served.stop()


def sign_in(browser, server, username: str) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    page.goto(f"{server.base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    return page


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_agent_accepts_notes_replies_escalates_and_resolves(server, browser):
    alice = sign_in(browser, server, "alice")
    alice.wait_for_url(f"{server.base}/")
    expect(alice.locator("h1")).to_have_text("Work queue")
    row = alice.locator("#queue tr", has_text="VPN drops every ten minutes")
    expect(row).to_be_visible()
    expect(row.locator("time.countdown").first).to_have_text(re.compile(r"left$"))
    shot(alice, "queue")

    # Bob opens the same ticket before Alice accepts it.
    bob = sign_in(browser, server, "bob")
    bob.wait_for_url(f"{server.base}/")
    bob.locator("#queue tr", has_text="VPN drops every ten minutes").locator("a").click()
    expect(bob.get_by_role("button", name="Accept")).to_be_visible()

    row.locator("a").click()
    expect(alice.locator("#ticket-status")).to_have_text("New")
    # Collision detection: each sees the other, and Alice sees Bob replying.
    expect(alice.locator("#presence")).to_contain_text("Also here: Bob")
    expect(bob.locator("#presence")).to_contain_text("Also here: Alice")
    bob.locator("#id_content").press_sequentially("On it")
    expect(alice.locator("#presence")).to_contain_text("Bob is replying")
    alice.get_by_role("button", name="Accept").click()
    expect(alice.locator("#ticket-status")).to_have_text("In progress")
    expect(alice.locator("#ticket-owner")).to_have_text("alice")

    bob.get_by_role("button", name="Accept").click()
    expect(bob.locator("#page-error")).to_contain_text("is already owned")

    alice.fill("#id_content", "INTERNAL-FROM-BROWSER the tunnel MTU is wrong")
    alice.check("input[name=visibility][value=internal]")
    alice.get_by_role("button", name="Send").click()
    expect(alice.locator(".entry-internal", has_text="INTERNAL-FROM-BROWSER")).to_be_visible()

    alice.fill("#id_content", "Please reconnect and tell us if it drops again.")
    alice.check("input[name=visibility][value=public]")
    alice.get_by_role("button", name="Send").click()
    expect(alice.locator(".entry-public", has_text="Please reconnect")).to_be_visible()

    alice.select_option("#id_env_team", label="Applications")
    alice.fill("#id_env_reason", "Is the VPN client config pushed by SAP?")
    alice.get_by_role("button", name="Open envelope").click()
    expect(alice.locator("#ticket-status")).to_have_text("Escalated")
    expect(alice.locator("#envelopes .envelope-pending")).to_contain_text("Applications")
    shot(alice, "ticket-detail-agent")

    alice.fill("#resolve-form input[name=resolution]", "MTU set to 1400 on the concentrator.")
    alice.get_by_role("button", name="Resolve").click()
    expect(alice.locator("#ticket-status")).to_have_text("Resolved")
    expect(alice.get_by_role("button", name="Reopen")).to_be_visible()

    alice.goto(f"{server.base}/tickets/?status=resolved")
    expect(alice.locator("#ticket-list")).to_contain_text("VPN drops every ten minutes")
    shot(alice, "ticket-list")
    assert alice.errors == [] and bob.errors == []


def test_agent_moves_cards_on_the_board_and_hits_the_hard_wip_limit(server, browser):
    alice = sign_in(browser, server, "alice")
    alice.wait_for_url(f"{server.base}/")
    alice.goto(f"{server.base}/board/")
    alice.select_option("#pick-view select[name=view]", label="Network board (Network)")
    alice.get_by_role("button", name="Show").click()
    expect(alice.locator("h1")).to_have_text("Board: Network board")
    new = alice.locator('.column[data-column="new"]')
    in_progress = alice.locator('.column[data-column="in_progress"]')
    expect(new.locator(".kcard")).to_have_count(2)

    new.locator(".kcard", has_text="BOARD card one").drag_to(in_progress)
    expect(in_progress.locator(".kcard", has_text="BOARD card one")).to_be_visible()
    expect(in_progress.locator(".count")).to_have_text("1 / 1")

    new.locator(".kcard", has_text="BOARD card two").drag_to(in_progress)
    expect(alice.locator("#page-error")).to_contain_text("WIP limit reached")
    expect(new.locator(".kcard", has_text="BOARD card two")).to_be_visible()
    shot(alice, "board")
    assert alice.errors == []


def test_requester_sees_only_public_text_and_can_reply_and_open_a_ticket(server, browser):
    rita = sign_in(browser, server, "rita")
    rita.wait_for_url(f"{server.base}/tickets/")
    expect(rita.locator("h1")).to_have_text("My tickets")
    visited = [rita.content()]
    shot(rita, "portal-list")

    rita.locator("#ticket-list tr", has_text="Printer offline").locator("a").click()
    expect(rita.locator("#timeline")).to_contain_text("We are looking at the printer now.")
    rita.fill("#id_content", "It prints blank pages now.")
    rita.get_by_role("button", name="Send").click()
    expect(rita.locator(".entry-public", has_text="blank pages")).to_be_visible()
    expect(rita.locator("#envelopes")).to_have_count(0)
    expect(rita.locator("input[name=visibility][value=internal]")).to_have_count(0)
    visited.append(rita.content())
    shot(rita, "portal-ticket")

    rita.goto(f"{server.base}/tickets/")
    for href in rita.locator("#ticket-list tbody a").evaluate_all(
        "links => links.map(link => link.href)"
    ):
        rita.goto(href)
        expect(rita.locator("#timeline")).to_be_visible()
        visited.append(rita.content())

    rita.goto(f"{server.base}/tickets/new/")
    rita.fill("#id_title", "Monitor flickers")
    rita.fill("#id_description", "Since this morning.")
    shot(rita, "portal-new-ticket")
    rita.get_by_role("button", name="Create ticket").click()
    expect(rita.locator("h1")).to_contain_text("Monitor flickers")
    visited.append(rita.content())

    for html in visited:
        for secret in SECRETS:
            assert secret not in html
    assert rita.errors == []
