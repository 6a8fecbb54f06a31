"""The rule form and the weights preview in a real browser (Debian's chromium through
Playwright, 1440x900) against daphne with its own SQLite file: a rule with two conditions and an
assignment made through the rows, tried on a ticket, saved, exported, imported back unchanged;
a weight changed and its consequences seen before saving. Screenshots as tests/pages does."""

import os
import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser import TIMEOUT_MS, chromium
from tests.dashboard.server import ADMIN, ROOT, seeded_server

SEED = Path(__file__).with_name("seed_rules_browser.py")
SHOTS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get("UPDATE_SCREENSHOTS")
    else Path(tempfile.gettempdir()) / f"itsm-screenshots-{os.getpid()}"
)
RULE = "sap-high-to-network"

pytestmark = [pytest.mark.slow, pytest.mark.embedded]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    served, printed = seeded_server(tmp_path_factory.mktemp("rules") / "db.sqlite3", SEED)
    found = dict(re.findall(r"(\w+)=(\S+)", printed))
    yield served, found
    served.stop()


@pytest.fixture(scope="module")
def page(seeded):
    server, _ = seeded
    with chromium() as browser:
        viewport = {"width": 1440, "height": 900}
        context = browser.new_context(viewport=viewport, accept_downloads=True)
        opened = context.new_page()
        opened.set_default_timeout(TIMEOUT_MS)
        problems: list[str] = []
        opened.on("pageerror", lambda error: problems.append(str(error)))
        opened.on(
            "console",
            lambda message: (
                problems.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        opened.on(
            "response",
            lambda response: (
                problems.append(f"{response.status} {response.url}")
                if response.status >= 400 and not response.url.endswith("/favicon.ico")
                else None
            ),
        )
        opened.problems = problems
        opened.goto(f"{server.base}/admin/login/")
        opened.fill("#id_username", ADMIN[0])
        opened.fill("#id_password", ADMIN[1])
        opened.click("input[type=submit]")
        expect(opened.locator("#site-name")).to_be_visible()
        yield opened


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def export(page: Page, base: str) -> bytes:
    page.goto(f"{base}/admin/routing/routingrule/")
    page.locator("#action-toggle").check()
    page.select_option("select[name=action]", "export_yaml")
    with page.expect_download() as download:
        page.click("button[name=index]")
    return Path(download.value.path()).read_bytes()


def test_a_rule_made_in_rows_is_tried_saved_exported_and_imported_unchanged(seeded, page):
    server, found = seeded
    assert int(found["DECIDED"]) >= 6
    page.goto(f"{server.base}/admin/routing/routingrule/add/")
    page.fill("#id_name", RULE)
    page.fill("#id_order", "10")

    page.click("#add-condition")
    first = page.locator("#rule-conditions tr.condition-row").nth(0)
    first.locator("select[name$='-field']").select_option("title")
    first.locator("select[name$='-op']").select_option("contains")
    expect(first.locator("select[name$='-choices']")).to_be_hidden()
    first.locator("input[name$='-text']").fill("SAP")

    page.click("#add-condition")
    second = page.locator("#rule-conditions tr.condition-row").nth(1)
    second.locator("select[name$='-field']").select_option("priority")
    second.locator("select[name$='-op']").select_option("in")
    expect(second.locator("input[name$='-text']")).to_be_hidden()
    second.locator("select[name$='-choices']").select_option(["critical", "high"])

    action = page.locator("#rule-actions tr.action-row").nth(0)
    action.locator("select[name$='-type']").select_option("assign")
    expect(action.locator("select[name$='-priority']")).to_be_hidden()
    action.locator("select[name$='-to']").select_option("team:network")

    # A third row, moved up and removed again: the rows that stay keep their order.
    page.click("#add-condition")
    third = page.locator("#rule-conditions tr.condition-row").nth(2)
    third.locator(".rule-up").click()
    page.locator("#rule-conditions tr.condition-row").nth(1).locator(".rule-remove").click()
    expect(page.locator("#rule-conditions tr.condition-row:visible")).to_have_count(2)

    page.fill("#id_try_reference", found["REFERENCE"])
    page.click("#try-button")
    expect(page.locator("#try-fired")).to_have_text(RULE)
    expect(page.locator("#try-team")).to_have_text("Network")
    page.locator("#try-it").scroll_into_view_if_needed()
    shot(page, "rule-form")
    page.locator("#try-it").screenshot(path=str(SHOTS / "rule-try-it.png"))

    page.click("input[name=_save]")
    expect(page.locator("ul.messagelist")).to_contain_text("was added successfully")
    expect(page.locator("#result_list")).to_contain_text(RULE)

    exported = export(page, server.base)
    text = exported.decode()
    assert "- title:\n        contains: SAP" in text
    assert "- priority:\n        in:\n        - critical\n        - high" in text
    assert "to: team:network" in text

    upload = Path(tempfile.mkdtemp()) / "rules.yaml"
    upload.write_bytes(exported)
    page.click("text=Import YAML")
    page.set_input_files("#id_file", str(upload))
    page.click("input[type=submit][value=Import]")
    expect(page.locator("ul.messagelist")).to_contain_text("Imported 1 rule(s): 0 new, 1 updated.")
    assert export(page, server.base) == exported

    page.goto(f"{server.base}/admin/routing/routingrule/")
    page.click(f"text={RULE}")
    page.click("a.historylink")
    # Created once by the form; the import of the unchanged export changed nothing.
    history = page.locator("#config-history")
    expect(history).to_contain_text("dash-admin")
    expect(history.locator("th[scope=row]")).to_have_count(1)
    assert "import_rules" not in history.inner_text()
    assert page.problems == []


def test_a_weight_changed_shows_its_consequences_before_saving(seeded, page):
    server, _ = seeded
    page.goto(f"{server.base}/admin/routing/scoringweights/")
    page.click("text=Default weights")
    for name in ("availability", "bandwidth", "performance", "proximity", "cultural_fit"):
        page.fill(f"#id_{name}_weight", "0")
    page.fill("#id_timezone_weight", "0")
    page.fill("#id_velocity_weight", "1")
    page.click("#preview-button")
    summary = page.locator("#preview-summary")
    expect(summary).to_contain_text("would change team")
    moved = int(summary.locator("strong").inner_text())
    assert moved >= 5
    expect(page.locator("#preview-moves")).to_contain_text("Applications")
    expect(page.locator("#preview-moves")).to_contain_text("Network")
    page.locator("#weights-preview").scroll_into_view_if_needed()
    shot(page, "weights-preview")
    page.fill("#id_velocity_weight", "0.9")
    page.click("#preview-button")
    expect(page.locator("#preview-result")).to_contain_text("must sum to 1")
    assert page.problems == []
