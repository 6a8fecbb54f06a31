"""Every agent, manager and requester page at a phone's 390 x 844 and a laptop's 1440 x 900 in
a real browser (Debian's chromium): nothing scrolls sideways, the header folds into a menu on
the phone, ticket tables become cards, the ticket's sidebar moves under the thread."""

import os
import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser import seeded_pages_server, signed_in_page

HERE = Path(__file__).parent
PASSWORD = "browser-pass-2026"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1440, "height": 900}
SIZES = [PHONE, LAPTOP]
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"

# Every page checked is also photographed (a page that fails to render fails the test); into a
# temporary folder unless UPDATE_SCREENSHOTS=1, which refreshes docs/screenshots/.
SHOTS = (
    HERE.parents[1] / "docs" / "screenshots"
    if os.environ.get("UPDATE_SCREENSHOTS")
    else Path(tempfile.gettempdir()) / f"itsm-responsive-{os.getpid()}"
)

pytestmark = [pytest.mark.slow, pytest.mark.embedded]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    seeds = [HERE / "seed_browser.py", HERE / "seed_responsive.py"]
    served = seeded_pages_server(tmp_path_factory.mktemp("responsive"), seeds, "DETAIL|RESOLVED")
    yield served
    served.stop()


def signed_in(browser, server, username: str, viewport: dict) -> Page:
    return signed_in_page(browser, server.base, username, PASSWORD, viewport)


def overflow_of(page: Page, url: str, status: int = 200) -> int:
    response = page.goto(url)
    assert response is not None and response.status == status, url
    page.wait_for_load_state("networkidle")
    return page.evaluate(OVERFLOW)


NAMES = {"DETAIL": "detail", "RESOLVED": "resolved"}
PAGES = {
    "alice": ["/", "/tickets/", "/tickets/{DETAIL}/", "/tickets/{RESOLVED}/", "/board/",
              "/kb/", "/kb/1/", "/kb/new/", "/kb/1/edit/", "/tickets/new/", "/notifications/"],
    "maria": ["/", "/dashboard/", "/tickets/", "/board/"],
    "rita": ["/tickets/", "/tickets/{DETAIL}/", "/tickets/new/", "/kb/", "/kb/1/", "/board/"],
}  # fmt: skip
# A refusal is a page too (the server runs with DEBUG on: its 404 is Django's, not ours).
STATUS = {("rita", "/board/"): 403}


@pytest.mark.parametrize("viewport", SIZES, ids=["390", "1440"])
@pytest.mark.parametrize("username", sorted(PAGES))
def test_no_page_scrolls_sideways(server, browser, username, viewport):
    page = signed_in(browser, server, username, viewport)
    wide = {}
    for path in PAGES[username]:
        url = server.base + path.format(**server.ids)
        status = STATUS.get((username, path), 200)
        overflow = overflow_of(page, url, status)
        SHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^a-z0-9]+", "-", path.format(**NAMES)).strip("-") or "queue"
        page.screenshot(path=str(SHOTS / f"{username}-{name}-{viewport['width']}.png"))
        if overflow > 0:
            wide[path] = overflow
    assert wide == {}, f"wider than {viewport['width']} px by: {wide}"
    assert page.errors == []
    page.context.close()


@pytest.mark.parametrize("viewport", SIZES, ids=["390", "1440"])
def test_the_sign_in_page_fits(server, browser, viewport):
    page = browser.new_context(viewport=viewport).new_page()
    assert overflow_of(page, f"{server.base}/accounts/login/") <= 0
    page.context.close()


def test_on_a_phone_the_header_folds_into_a_menu(server, browser):
    page = signed_in(browser, server, "alice", PHONE)
    page.goto(server.base + "/tickets/")
    sign_out = page.get_by_role("button", name="Sign out")
    toggle = page.get_by_role("button", name=re.compile("^Menu"))
    expect(sign_out).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(sign_out).to_be_visible()
    box = sign_out.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    expect(page.get_by_role("link", name="Knowledge base")).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "alice-menu-open-390.png"))
    page.context.close()


def test_on_a_laptop_the_menu_is_open_and_has_no_toggle(server, browser):
    page = signed_in(browser, server, "alice", LAPTOP)
    page.goto(server.base + "/")
    expect(page.get_by_role("button", name=re.compile("^Menu"))).to_be_hidden()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.locator("#bell")).to_be_visible()
    # The bell's socket (static/js/bell.js) is connected: new notifications count live.
    expect(page.locator("html")).to_have_attribute("data-bell", "live")
    page.context.close()


def test_on_a_phone_tables_are_cards_and_the_sidebar_follows_the_thread(server, browser):
    page = signed_in(browser, server, "alice", PHONE)
    page.goto(server.base + "/tickets/")
    row = page.locator("#ticket-list tbody tr").first
    assert row.evaluate("el => getComputedStyle(el).display") == "block"
    assert page.locator("#ticket-list thead").bounding_box()["height"] <= 1

    page.goto(server.base + f"/tickets/{server.ids['DETAIL']}/")
    timeline = page.locator("#timeline").bounding_box()
    sidebar = page.locator("aside.side-col").bounding_box()
    assert sidebar["y"] >= timeline["y"] + timeline["height"]
    assert abs(sidebar["x"] - timeline["x"]) < 2
    page.context.close()
