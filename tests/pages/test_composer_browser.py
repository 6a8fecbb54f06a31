"""The composer in a real browser (Debian's chromium through Playwright), at 1440 x 900 and
390 x 844: an internal note written from a canned response, with an @mention picked from the
autocomplete, a dropped file and 15 minutes; previewed, sent, shown rendered; the colleague is
notified; no sideways scrolling and no console or CSP errors."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.a11y import axe_violations
from tests.browser import TIMEOUT_MS, sign_in
from tests.dashboard.server import seeded_server

HERE = Path(__file__).parent
PASSWORD = "browser-pass-2026"
SIZES = [{"width": 1440, "height": 900}, {"width": 390, "height": 844}]
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`securitypolicyviolation: ${event.effectiveDirective} blocked ` +
    `${event.blockedURI || "inline"}`);
});
"""
DROP_FILE = """([name, text]) => {
  const transfer = new DataTransfer();
  transfer.items.add(new File([text], name, { type: "text/plain" }));
  return transfer;
}"""

pytestmark = [pytest.mark.slow, pytest.mark.embedded]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("composer")
    seed = folder / "seed.py"
    seed.write_text(
        (HERE / "seed_browser.py").read_text() + (HERE / "seed_composer.py").read_text()
    )
    served, printed = seeded_server(folder / "db.sqlite3", seed)
    served.ticket = re.search(r"^DETAIL (\S+)$", printed, re.MULTILINE).group(1)
    yield served
    served.stop()


def signed_in(browser, server, username: str, viewport: dict) -> Page:
    context = browser.new_context(viewport=viewport)
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.problems = []
    page.on("console", lambda message: _console(page, message))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and page.problems.append(f"{response.status} {response.url}")
        ),
    )
    sign_in(page, server.base, username, PASSWORD)
    page.wait_for_load_state("networkidle")
    return page


def _console(page: Page, message) -> None:
    # The browser asks for /favicon.ico by itself; the site has none (not the composer's).
    url = (message.location or {}).get("url", "")
    if message.type == "error" and not url.endswith("/favicon.ico"):
        page.problems.append(f"{message.text} ({url})")


@pytest.mark.parametrize("viewport", SIZES, ids=["1440", "390"])
def test_a_note_with_canned_text_mention_file_and_minutes(server, browser, viewport):
    marker = f"w{viewport['width']}"
    alice = signed_in(browser, server, "alice", viewport)
    alice.goto(f"{server.base}/tickets/{server.ticket}/")
    text = alice.locator("#id_content")

    alice.get_by_label("Internal note").check()
    expect(alice.locator("#composer")).to_have_class(re.compile("composer-internal"))
    alice.select_option("#id_canned", label="Greeting")
    alice.click("#canned-insert")
    expect(text).to_have_value(re.compile(r"^Hi Rita, about \S+:"))

    text.press("End")
    text.press_sequentially(" please check, @bo", delay=20)
    option = alice.get_by_role("option", name=re.compile(r"@bob"))
    expect(option).to_be_visible()
    option.click()
    text.press_sequentially(f"**{marker} done**", delay=5)
    expect(text).to_have_value(re.compile(rf"@bob \*\*{marker} done\*\*$"))

    transfer = alice.evaluate_handle(DROP_FILE, [f"trace-{marker}.log", "dropped packets"])
    alice.dispatch_event("#dropzone", "drop", {"dataTransfer": transfer})
    expect(alice.locator("#file-list")).to_contain_text(f"trace-{marker}.log")
    alice.fill("#id_minutes", "15")

    alice.click("#preview-button")
    preview = alice.locator("#composer-preview strong")
    expect(preview).to_have_text(f"{marker} done")
    assert alice.evaluate(OVERFLOW) <= 0, "the composer scrolls sideways"

    alice.get_by_role("button", name="Send", exact=True).click()
    alice.wait_for_url(re.compile(r"#timeline$"))
    note = alice.locator("#timeline li.entry", has_text=f"{marker} done").last
    expect(note.locator("strong")).to_have_text(f"{marker} done")
    expect(note).to_contain_text("Hi Rita")
    expect(note).to_contain_text("15 min spent")
    expect(alice.locator("body")).to_contain_text(f"trace-{marker}.log")
    expect(alice.locator("#time-total")).to_contain_text(re.compile(r"[1-9]\d* min logged"))
    assert alice.evaluate(OVERFLOW) <= 0, "the ticket page scrolls sideways"
    assert axe_violations(alice) == []
    assert alice.problems == []

    bob = signed_in(browser, server, "bob", viewport)
    bob.goto(f"{server.base}/notifications/")
    expect(bob.locator("main")).to_contain_text("Alice mentioned you")
    assert bob.evaluate(OVERFLOW) <= 0
    assert bob.problems == []
