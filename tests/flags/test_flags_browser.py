"""An agent adds a flag and takes it off again on the ticket page, in a real browser (Debian's
chromium through Playwright) against daphne, under the production CSP (no inline scripts)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import TIMEOUT_MS, chromium, sign_in
from tests.dashboard.server import seeded_server

pytestmark = [pytest.mark.slow, pytest.mark.embedded]
SEED = Path(__file__).with_name("seed_flags.py")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    server, printed = seeded_server(tmp_path_factory.mktemp("flags") / "db.sqlite3", SEED)
    ticket_id = re.search(r"TICKET=([0-9a-f-]{36})", printed).group(1)
    yield server, ticket_id
    server.stop()


def test_an_agent_adds_and_removes_a_flag_on_the_ticket_page(served):
    server, ticket_id = served
    with chromium() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.set_default_timeout(TIMEOUT_MS)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on(
            "console",
            lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
        )
        sign_in(page, server.base, "alice", "browser-pass-2026")
        page.goto(f"{server.base}/tickets/{ticket_id}/")

        expect(page.locator("#flag-list")).to_contain_text("No flags.")
        page.select_option("#id_flag_kind", "physical_damage")
        page.fill("#id_flag_reason", "Box crushed by the courier")
        page.click("#flag-form button[type=submit]")
        flagged = page.locator("#flag-list li.flag-physical_damage")
        expect(flagged).to_contain_text("Physical damage")
        expect(flagged).to_contain_text("Box crushed by the courier")
        expect(page.locator("#id_flag_kind option[value=physical_damage]")).to_have_count(0)

        page.get_by_role("button", name="Remove flag Physical damage").click()
        expect(page.locator("#flag-list")).to_contain_text("No flags.")

        page.reload()
        timeline = page.locator("#timeline")
        expect(timeline).to_contain_text("Flagged Physical damage: Box crushed by the courier.")
        expect(timeline).to_contain_text("Flag removed: Physical damage.")
        assert errors == []
