"""The resolution journeys in a real browser (Debian's chromium through Playwright) against
daphne with its own SQLite file: a tier-2 resolution from request to approval, and a
calibration review ending in the report's charts."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser import TIMEOUT_MS
from tests.dashboard.server import seeded_server

SEED = Path(__file__).with_name("seed_browser.py")
PASSWORD = "browser-pass-2026"

pytestmark = [pytest.mark.slow, pytest.mark.embedded]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    server, printed = seeded_server(tmp_path_factory.mktemp("resolutions") / "db.sqlite3", SEED)
    yield server, printed.strip().splitlines()[-1]
    server.stop()


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
    page.wait_for_url(f"{server.base}/")
    return page


def test_a_tier2_resolution_from_request_to_approval(served, browser):
    server, _ = served
    ada = sign_in(browser, server, "ada")
    ada.locator("#queue tr", has_text="Router arrived broken").locator("a").first.click()
    section = ada.locator("#resolutions")
    section.locator("summary", has_text="New resolution").click()
    section.locator("#id_res_wrong").select_option("damaged_in_transit")
    section.locator("input[name=what_went_wrong_text]").fill("Crushed box")
    section.locator("#id_res_why").select_option("warranty")
    section.locator("#id_res_type").select_option("replacement")
    section.locator("#id_res_amount").fill("120.00")
    section.locator("button", has_text="Record resolution").click()
    row = ada.locator("#resolutions li.resolution", has_text="120.00 EUR")
    expect(row.locator("[data-status]")).to_have_text("Pending approval")
    expect(row).to_contain_text("Team lead (tier 2)")

    lee = sign_in(browser, server, "lee")
    lee.get_by_role("link", name="Approvals").click()
    request = lee.locator("#approvals tr", has_text="120.00 EUR")
    expect(request).to_contain_text("Router arrived broken")
    request.locator("input[aria-label='Reason to approve (optional)']").fill("Covered")
    request.get_by_role("button", name="Approve").click()
    expect(lee.locator("#approvals")).to_contain_text("Nothing waits for you.")

    ada.reload()
    expect(row.locator("[data-status]")).to_have_text("Approved")
    expect(row).to_contain_text("approved by Lee: Covered")
    expect(ada.locator("#bell .unread-count")).not_to_have_text("0")
    assert ada.errors == [] and lee.errors == []


def test_a_calibration_review_and_the_report(served, browser):
    server, last_week = served
    boss = sign_in(browser, server, "max")
    boss.get_by_role("link", name="Calibration").click()
    expect(boss.locator("h1")).to_have_text(f"Calibration {last_week}")
    boss.get_by_role("button", name=f"Generate the queue of {last_week}").click()
    item = boss.locator("#calibration tr", has_text="25.00 EUR")
    expect(item).to_contain_text("Random sample")
    item.locator("select[name=outcome]").select_option("revised")
    item.locator("input[name=revised_amount]").fill("20.00")
    item.locator("input[name=notes]").fill("Half the fee was ours")
    item.get_by_role("button", name="Review").click()
    expect(item.locator("[data-outcome]")).to_have_text("Revised")
    expect(item).to_contain_text("20.00 EUR")

    boss.locator("#report-link").click()
    expect(boss.locator("#upheld-pct")).to_have_text("0.0 %")
    expect(boss.locator("#comp-by_agent")).to_contain_text("Ada")
    for chart in ("#chart-upheld", "#chart-totals", "#chart-types"):
        expect(boss.locator(chart)).to_be_visible()
    # The canvases show while the parser still fetches Chart.js at the page's end, so wait
    # for the three charts to be drawn rather than read Chart the moment they are visible.
    boss.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length === 3")
    assert boss.errors == []
