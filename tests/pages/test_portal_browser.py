"""The requester's day in Debian's chromium, at 1440 x 900 and 390 x 844: articles appear while
they type (clean links), "this solved it" opens no ticket and is counted once; they file with
category, urgency and a file, see only public entries and files, and watch an agent's reply
arrive on their page without reloading or e-mail. Every page passes axe-core with no console or
CSP error."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.a11y import Watch, axe_violations
from tests.browser import TIMEOUT_MS, sign_in
from tests.dashboard.server import Server, manage, prepare_database, server_env

HERE = Path(__file__).parent
PASSWORD = "browser-pass-2026"
SIZES = {"1440": {"width": 1440, "height": 900}, "390": {"width": 390, "height": 844}}
SEEDS = ("seed_browser.py", "seed_responsive.py", "seed_a11y.py")
REPLY = """
from django.contrib.auth import get_user_model
from tickets.actions import timeline
timeline.add_timeline_entry(
    ticket_id="{ticket}", actor=get_user_model().objects.get(username="alice"), type="note",
    visibility="{visibility}", content="{content}",
)
"""
SOLVED = "from kb.models import Article; print(Article.objects.get(pk=1).solved_count)"

pytestmark = [pytest.mark.slow, pytest.mark.embedded]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("portal")
    env = server_env(
        folder / "db.sqlite3", PORTAL_POLL_SECONDS="1", MEDIA_ROOT=str(folder / "media")
    )
    prepare_database(env)
    printed = manage(env, "shell", "-c", "".join((HERE / n).read_text() for n in SEEDS))
    served = Server(env).start()
    served.ids = dict(re.findall(r"^(DETAIL|RESOLVED) (\S+)$", printed, re.MULTILINE))
    yield served
    served.stop()


@pytest.mark.parametrize("size", SIZES)
def test_a_requesters_day(server, browser, size, tmp_path):
    page = browser.new_context(viewport=SIZES[size]).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    watch = Watch(page)
    violations = []
    sign_in(page, server.base, "rita", PASSWORD)

    # Typing suggests articles (debounced htmx), as clean links; "this solved it" opens nothing.
    page.goto(f"{server.base}/tickets/new/")
    page.fill("#id_title", "VPN drops all the time")
    suggested = page.locator(".kb-suggest-list li", has_text="VPN drops: set the MTU")
    expect(suggested).to_be_visible()
    assert "score" not in page.locator("#kb-suggest").inner_text().lower()
    violations += axe_violations(page)
    suggested.get_by_role("button", name=re.compile("This solved it")).click()
    expect(page.locator(".kb-solved")).to_contain_text("No ticket was opened")
    assert manage(server.env, "shell", "-c", SOLVED).split()[-1] == "1"  # once per requester

    # Filing with category, urgency and a file.
    page.goto(f"{server.base}/tickets/new/")
    page.fill("#id_title", f"Scanner jams ({size})")
    page.fill("#id_description", "Paper jam on every scan.")
    page.select_option("#id_category", "network")
    page.select_option("#id_urgency", "2")
    log = tmp_path / "scanner-log.txt"
    log.write_text("jam at 09:14")
    page.set_input_files("#id_files", str(log))
    page.get_by_role("button", name="Create ticket").click()
    page.wait_for_url(re.compile(r"/tickets/[0-9a-f-]{36}/$"))
    ticket = page.url.rstrip("/").rsplit("/", 1)[1]
    expect(page.locator("a", has_text="scanner-log.txt")).to_be_visible()
    violations += axe_violations(page)

    # Followed without e-mail: an agent's public reply appears; an internal note never does.
    for visibility, content in (("internal", "SECRET-LIVE-NOTE"), ("public", "On our way")):
        code = REPLY.format(ticket=ticket, visibility=visibility, content=content)
        manage(server.env, "shell", "-c", code)
    expect(page.locator("#timeline-list")).to_contain_text("On our way", timeout=20_000)
    assert "SECRET-LIVE-NOTE" not in page.content()
    expect(page.locator("#follow")).to_contain_text("Updated just now")

    # Only public entries and files on a ticket that has internal ones.
    page.goto(f"{server.base}/tickets/{server.ids['DETAIL']}/")
    page.wait_for_load_state("networkidle")
    html = page.content()
    assert "We are looking at the printer now." in html and "screenshot.txt" in html
    assert "SECRET-INTERNAL-NOTE" not in html and "internal-trace.txt" not in html
    violations += axe_violations(page)

    page.wait_for_timeout(300)  # console messages of the last page arrive asynchronously
    assert violations == []
    assert watch.problems == []
    page.context.close()
