"""The admin's configuration pages in a real browser (Debian's chromium through Playwright,
daphne on a free port): an admin closes a day on a business calendar and sees the policy page's
preview of a new ticket's due times move past it; a team's capabilities are edited as tags."""

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import TIMEOUT_MS
from tests.dashboard.server import ADMIN, seeded_server
from tests.pages.test_browser import SHOTS

SEED = Path(__file__).with_name("seed_admin_browser.py")
DUE = re.compile(r"\w{3} (\d{4}-\d{2}-\d{2}) \d{2}:\d{2} UTC")

pytestmark = [pytest.mark.slow, pytest.mark.embedded]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    server, printed = seeded_server(tmp_path_factory.mktemp("sla-admin") / "db.sqlite3", SEED)
    try:
        yield server, dict(re.findall(r"(calendar|policy|team)=([0-9a-f-]+)", printed))
    finally:
        server.stop()


def admin_page(browser, server, errors: list[str]):
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and "/static/" in r.url
            else None
        ),
    )
    page.goto(f"{server.base}/admin/login/")
    page.fill("#id_username", ADMIN[0])
    page.fill("#id_password", ADMIN[1])
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_be_visible()
    return page


def test_an_admin_adds_a_holiday_and_the_policy_preview_moves(served, browser):
    server, ids = served
    errors: list[str] = []
    page = admin_page(browser, server, errors)
    policy_url = f"{server.base}/admin/sla/slapolicy/{ids['policy']}/change/"
    page.goto(policy_url)
    resolution = page.locator('dd[data-due="resolution_due"]')
    expect(resolution).to_have_text(DUE)
    before = resolution.inner_text()
    closed = DUE.match(before).group(1)

    page.goto(f"{server.base}/admin/sla/businesscalendar/{ids['calendar']}/change/")
    expect(page.locator('input[name="weekly_hours-0-0-starts"]')).to_have_value("09:00")
    page.get_by_role("button", name="Add another Calendar date").click()
    page.fill('input[name="closed_dates-0-date"]', closed)
    page.fill('input[name="closed_dates-0-name"]', "Browser holiday")
    page.click('input[name="_save"]')
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(policy_url)
    expect(resolution).not_to_have_text(before)
    after = DUE.match(resolution.inner_text()).group(1)
    assert date.fromisoformat(after) > date.fromisoformat(closed)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "sla_policy_preview.png"), full_page=True)
    assert errors == []


def test_capabilities_are_edited_as_tags(served, browser):
    server, ids = served
    errors: list[str] = []
    page = admin_page(browser, server, errors)
    page.goto(f"{server.base}/admin/org/team/{ids['team']}/change/")
    chips = page.locator(".field-capabilities .tag-input-chip")
    expect(chips).to_have_count(2)
    page.get_by_role("button", name="Remove vpn").click()
    entry = page.locator("#id_capabilities_entry")
    entry.fill("firewall")
    entry.press("Enter")
    entry.fill("wifi, dns")
    entry.press(",")
    expect(chips).to_have_text(
        [re.compile("^network"), re.compile("^firewall"), re.compile("^wifi"), re.compile("^dns")]
    )
    page.click('input[name="_continue"]')
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(page.locator("#id_capabilities")).to_have_value("network, firewall, wifi, dns")
    expect(page.locator("#AgentProfile_teams-group")).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "team_tags.png"), full_page=True)
    assert errors == []
