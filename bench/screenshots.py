"""Screenshots of every page, for each role, at a laptop's 1440 x 900 and a phone's 390 x 844,
taken with Debian's chromium (Playwright) from a DEBUG-off server seeded with the browser
tests' data (tests/pages/seed_*.py). Run by hand, not by CI; retake after the pages change:

    .venv/bin/python bench/screenshots.py                  # into docs/screenshots/
    .venv/bin/python bench/screenshots.py --out /tmp/shots --only alice

Viewport-sized PNGs (not the whole scrolled page), named <role>-<page>-<width>.png; the sizes
are printed, to keep the folder small."""

import argparse
import re
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import TIMEOUT_MS, chromium  # noqa: E402
from tests.dashboard.server import Server, manage, prepare_database, server_env  # noqa: E402

SEEDS = ("seed_browser.py", "seed_responsive.py", "seed_a11y.py")
PASSWORD = "browser-pass-2026"
SIZES = {1440: {"width": 1440, "height": 900}, 390: {"width": 390, "height": 844}}
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "screenshots-only-secret-key-0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "SECURE_HSTS_SECONDS": "0",
}
# (name, path, what to do before the picture); None signs nobody in.
SHOTS = {
    "rita": [
        ("portal-my-tickets", "/tickets/", None),
        ("portal-new-ticket", "/tickets/new/", "type-vpn"),
        ("portal-ticket", "/tickets/{DETAIL}/", None),
        ("portal-kb", "/kb/", None),
        ("portal-kb-article", "/kb/1/", None),
        ("portal-403", "/board/", None),
        ("portal-404", f"/tickets/{uuid.uuid4()}/", None),
    ],
    "alice": [
        ("agent-queue", "/", None),
        ("agent-tickets", "/tickets/", None),
        ("agent-ticket", "/tickets/{DETAIL}/", None),
        ("agent-board", "/board/", None),
        ("agent-kb", "/kb/", None),
        ("agent-notifications", "/notifications/", None),
    ],
    "maria": [("manager-dashboard", "/dashboard/", None)],
    None: [("sign-in", "/accounts/login/", None)],
}


def serve(folder: Path) -> tuple[Server, dict]:
    env = server_env(
        folder / "db.sqlite3",
        **PRODUCTION,
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
    )
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    prepare_database(env)
    seed = "".join((ROOT / "tests" / "pages" / name).read_text() for name in SEEDS)
    printed = manage(env, "shell", "-c", seed)
    return Server(env).start(), dict(re.findall(r"^(DETAIL|RESOLVED) (\S+)$", printed, re.M))


def prepare(page, step: str | None) -> None:
    if step == "type-vpn":  # the requester types: articles that may help appear
        page.fill("#id_title", "VPN drops all the time")
        page.wait_for_selector(".kb-suggest-list li")


def take(browser, base: str, ids: dict, user: str | None, out: Path) -> list[Path]:
    taken = []
    for width, viewport in SIZES.items():
        page = browser.new_context(viewport=viewport).new_page()
        page.set_default_timeout(TIMEOUT_MS)
        if user:
            page.goto(f"{base}/accounts/login/")
            page.fill("#id_username", user)
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
        for name, path, step in SHOTS[user]:
            page.goto(base + path.format(**ids))
            page.wait_for_load_state("networkidle")
            prepare(page, step)
            target = out / f"{name}-{width}.png"
            page.screenshot(path=str(target))
            taken.append(target)
        page.context.close()
    return taken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", help="one role's pages: rita, alice, maria or anonymous")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    users = [None if args.only == "anonymous" else args.only] if args.only else list(SHOTS)
    with tempfile.TemporaryDirectory() as folder:
        server, ids = serve(Path(folder))
        try:
            with chromium() as browser:
                taken = [
                    shot
                    for user in users
                    for shot in take(browser, server.base, ids, user, args.out)
                ]
        finally:
            server.stop()
    for shot in taken:
        print(f"{shot.stat().st_size / 1024:7.1f} KiB  {shot}")
    print(f"{sum(shot.stat().st_size for shot in taken) / 1024:7.1f} KiB in {len(taken)} files")


if __name__ == "__main__":
    main()
