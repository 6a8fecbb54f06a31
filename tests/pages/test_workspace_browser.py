"""The agent's workspace in a real browser (Debian's chromium): the priority changed from the
sidebar without a reload re-targets the SLA shown in the header; the "?" overlay of keyboard
shortcuts, which stay quiet while typing; a manager's transfer of ownership; no sideways scroll,
no serious or critical axe violation and no console or CSP error at 1440 x 900 and 390 x 844;
an agent on a phone accepts and resolves a ticket and sees its SLA clock met."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.a11y import Watch, axe_violations
from tests.browser import seeded_pages_server, signed_in_page

HERE = Path(__file__).parent
PASSWORD = "browser-pass-2026"
SIZES = [{"width": 1440, "height": 900}, {"width": 390, "height": 844}]
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
DUES = "Array.from(document.querySelectorAll('#ticket-head time.countdown'), t => t.dateTime)"

pytestmark = [pytest.mark.slow, pytest.mark.embedded]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    seeds = [HERE / "seed_browser.py", HERE / "seed_workspace.py"]
    served = seeded_pages_server(tmp_path_factory.mktemp("workspace"), seeds, "VPN|PRINTER")
    yield served
    served.stop()


def signed_in(browser, server, username: str, viewport: dict) -> Page:
    page = signed_in_page(browser, server.base, username, PASSWORD, viewport)
    page.watch = Watch(page)  # console errors, uncaught errors, CSP violations from here on
    page.failed = []  # the responses refused (the page's own requests, not the favicon)
    page.on(
        "response",
        lambda response: (
            page.failed.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico")
            else None
        ),
    )
    return page


def open_ticket(page: Page, server, name: str) -> None:
    page.goto(f"{server.base}/tickets/{server.ids[name]}/")
    page.wait_for_load_state("networkidle")


def test_a_priority_change_from_the_sidebar_retargets_the_sla_without_a_reload(server, browser):
    page = signed_in(browser, server, "alice", SIZES[0])
    open_ticket(page, server, "VPN")
    before = page.evaluate(DUES)
    assert before, "the seeded ticket runs an SLA clock"
    page.evaluate("window.notReloaded = true")

    page.select_option("#properties-form select[name=priority]", "critical")

    # (From whatever triage guessed at creation.)
    expect(page.locator("#messages")).to_contain_text(
        re.compile(r"Saved: priority \w+ → Critical\.")
    )
    expect(page.locator("#ticket-head .badge.prio-critical")).to_have_text("Critical")
    after = page.evaluate(DUES)
    assert after and after != before
    assert page.evaluate("window.notReloaded") is True  # swapped in place, not reloaded
    expect(page.locator("#properties-form select[name=priority]")).to_have_value("critical")

    # A bad value: the message at the top, the field marked, nothing saved.
    # A value the form would not let through (as an outdated or tampered page might send).
    page.evaluate(
        "document.querySelector('#properties-form input[name=category]')"
        ".removeAttribute('maxlength')"
    )
    page.fill("#properties-form input[name=category]", "x" * 101)
    page.locator("#properties-form input[name=category]").press("Tab")
    expect(page.locator("#messages")).to_contain_text("Nothing saved: Category:")
    expect(page.locator("#properties .field-error")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
    assert page.errors == []
    assert [f for f in page.failed if not f.endswith("/properties/")] == []
    assert [f.split()[0] for f in page.failed] == ["400"]


def test_the_shortcuts_overlay_and_keys_that_keep_quiet_while_typing(server, browser):
    page = signed_in(browser, server, "alice", SIZES[0])
    open_ticket(page, server, "PRINTER")
    dialog = page.locator("#shortcuts")
    expect(dialog).to_be_hidden()

    page.keyboard.press("?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Next ticket of the queue")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    page.keyboard.press("n")  # an internal note: the composer, focused
    composer = page.locator("#composer textarea")
    expect(composer).to_be_focused()
    expect(page.locator("#composer input[name=visibility][value=internal]")).to_be_checked()
    page.keyboard.type("a?rsj")  # typing: letters, not shortcuts
    expect(composer).to_have_value("a?rsj")
    expect(dialog).to_be_hidden()
    assert page.url.endswith(f"/tickets/{server.ids['PRINTER']}/")

    page.keyboard.press("Escape")
    page.locator("h1").click()  # out of the field
    page.keyboard.press("r")
    expect(composer).to_be_focused()
    expect(page.locator("#composer input[name=visibility][value=public]")).to_be_checked()
    page.locator("h1").click()
    following = page.locator("#next-ticket").get_attribute("href")
    assert following and server.ids["PRINTER"] not in following
    page.keyboard.press("j")  # the next ticket of the queue
    page.wait_for_url(f"{server.base}{following}")
    assert page.errors == [] and page.failed == []


def test_a_manager_transfers_ownership(server, browser):
    page = signed_in(browser, server, "maria", SIZES[0])
    open_ticket(page, server, "PRINTER")
    expect(page.locator("#ticket-owner")).to_have_text("alice")
    form = page.locator("#transfer-form")
    form.locator("select[name=to]").select_option(label="Bob")
    form.locator("select[name=reason]").select_option("agent_on_extended_leave")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#messages")).to_contain_text("now belongs to Bob")
    expect(page.locator("#ticket-owner")).to_have_text("bob")
    expect(page.locator("#timeline")).to_contain_text(
        "Ownership transferred from Alice to Bob (agent on extended leave)"
    )
    assert page.errors == [] and page.failed == []


@pytest.mark.parametrize("size", SIZES, ids=["1440x900", "390x844"])
@pytest.mark.parametrize("who", ["alice", "maria"])
def test_the_sidebar_causes_no_sideways_scroll(server, browser, who, size):
    page = signed_in(browser, server, who, size)
    open_ticket(page, server, "PRINTER")
    expect(page.locator("#properties")).to_be_visible()
    assert page.evaluate(OVERFLOW) <= 0
    assert axe_violations(page) == []
    page.goto(f"{server.base}/tickets/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate(OVERFLOW) <= 0
    assert axe_violations(page) == []
    assert page.errors == [] and page.failed == [] and page.watch.problems == []


def test_an_agent_on_a_phone_accepts_resolves_and_sees_the_clock_met(server, browser):
    page = signed_in(browser, server, "alice", SIZES[1])
    open_ticket(page, server, "VPN")
    page.get_by_role("button", name="Accept", exact=True).click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#messages")).to_contain_text("You own this ticket now.")
    page.fill("#resolve-form input[name=resolution]", "Replaced the VPN profile.")
    page.locator("#resolve-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#messages")).to_contain_text("Resolved.")
    # The clock stops after the commit (the SLA app follows the ticket's events): reload until
    # the page says so, a few seconds at most.
    state = page.locator("#ticket-head [data-sla-state]")
    for _ in range(20):
        if state.get_attribute("data-sla-state") == "met":
            break
        page.wait_for_timeout(250)
        open_ticket(page, server, "VPN")
    expect(state).to_have_attribute("data-sla-state", "met")
    expect(page.locator("#ticket-head .sla-badge")).to_have_text("Met")
    assert page.locator("#ticket-head time.countdown").count() == 0  # no countdown once met
    assert page.evaluate(OVERFLOW) <= 0
    assert axe_violations(page) == []
    assert page.errors == [] and page.failed == [] and page.watch.problems == []
