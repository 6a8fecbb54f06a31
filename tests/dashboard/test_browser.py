"""The /dashboard/ page in a real browser (Debian's chromium driven by Playwright) against a
real daphne: sign in, see the tiles and the "connected" state, create a ticket through the API
and watch the tile change without a reload; drop the server and watch it reconnect."""

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser import sign_in
from tests.dashboard.server import (
    ADMIN,
    Server,
    access_token,
    create_ticket,
    prepare_database,
    server_env,
)

pytestmark = pytest.mark.embedded  # its server is a SQLite file of its own, no Redis

CHROMIUM = "/usr/bin/chromium"  # Debian's package (apt-get install chromium); never downloaded
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = server_env(tmp_path_factory.mktemp("browser") / "db.sqlite3")
    prepare_database(env)
    served = Server(env).start()
    yield served
    served.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.mark.slow
def test_the_dashboard_updates_live_and_reconnects(server, browser):
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    sign_in(page, server.base, *ADMIN, then="/dashboard/")

    state = page.locator("#ws-state")
    expect(state).to_have_text("connected", timeout=TIMEOUT_MS)
    created = page.locator('[data-kpi="today.created"]')
    open_total = page.locator('[data-kpi="open.total"]')
    expect(created).to_have_text("0")
    expect(open_total).to_have_text("0")
    assert page.evaluate("typeof window.Chart") == "function"  # the vendored Chart.js loaded
    assert page.locator("canvas#chart-status").count() == 1
    # Human labels, not raw values like in_progress.
    status_labels = page.evaluate("window.Chart.getChart('chart-status').data.labels")
    assert "In progress" in status_labels and "in_progress" not in status_labels

    token = access_token(server.base)
    ticket = create_ticket(server.base, token, "Printer on fire")

    expect(created).to_have_text("1", timeout=TIMEOUT_MS)  # no reload
    expect(open_total).to_have_text("1", timeout=TIMEOUT_MS)
    feed = page.locator("#event-feed li", has_text=ticket["reference"])
    expect(feed.first).to_be_visible(timeout=TIMEOUT_MS)
    expect(feed.first).to_contain_text("Ticket created")

    # The server goes away: the page says so, and reconnects when it is back.
    server.stop()
    expect(state).to_have_text("reconnecting", timeout=TIMEOUT_MS)
    server.start()
    expect(state).to_have_text("connected", timeout=30_000)
    create_ticket(server.base, token, "Second one")
    expect(created).to_have_text("2", timeout=TIMEOUT_MS)
    assert errors == []
    page.close()
