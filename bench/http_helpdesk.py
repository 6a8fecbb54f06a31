"""django-helpdesk 2.6.1, the third app of bench/http_driver.py (issue 18 compares against it): its
venv, built once per pin set and cached; its database, seeded by bench/helpdesk/seed.py run with
that venv's Python; and how the cases ask it (token for the API, a session for the staff page).

The venv lives under $XDG_CACHE_HOME (or ~/.cache)/itsm-bench/helpdesk-<version>-<hash of the
pins>, so a second run needs no network; `--helpdesk-venv` names another one. Nothing of it is
installed into the project's venv or its requirements."""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "bench" / "helpdesk" / "requirements.txt"
APP = "bench.helpdesk.asgi:application"
SETTINGS = "bench.helpdesk.settings"
# The page's DataTable asks this for its rows (serverSide: true): its URL carries the default
# query (open and reopened tickets, by creation) in base64, read from the page itself.
DATA_CALL = re.compile(r"/datatables_ticket_list/[A-Za-z0-9+/=]+")
DATA_QUERY = "?draw=1&start=0&length=25&search%5Bvalue%5D=&search%5Bregex%5D=false"


@dataclass(frozen=True)
class Callers:
    token: str  # DRF token of the staff agent (the API)
    session: str  # the same agent's signed-in session (the staff pages)
    queues: list[int]


def pinned_version() -> str:
    match = re.search(r"^django-helpdesk==(\S+)$", REQUIREMENTS.read_text(), re.MULTILINE)
    if match is None:
        raise SystemExit(f"{REQUIREMENTS} pins no django-helpdesk")
    return match.group(1)


def cache_dir() -> Path:
    """Where the venv of the current pins lives: a change of pins makes a new one."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()[:12]
    return base / "itsm-bench" / f"helpdesk-{pinned_version()}-{digest}"


def ensure_venv(path: Path | None = None) -> Path:
    """The helpdesk venv, built from bench/helpdesk/requirements.txt if it is not there yet
    (python -m venv and pip, which reach PyPI); a finished build carries a stamp file, so an
    interrupted one is built again rather than used."""
    venv = path or cache_dir()
    stamp = venv / ".bench-complete"
    if stamp.exists():
        return venv
    print(f"building django-helpdesk's venv in {venv} (once per pin set)", flush=True)
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    # The base interpreter of the project's venv: the same Python for all three apps.
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", str(venv)], check=True)  # noqa: S603 - our arguments
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--no-deps", "-r", str(REQUIREMENTS)], check=True)  # noqa: S603
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "check"], check=True)  # noqa: S603
    stamp.write_text(REQUIREMENTS.read_text())
    return venv


def env(venv: Path, base_env: dict) -> dict:
    """The web server's environment (the driver's common one) with helpdesk's venv and settings:
    the Procfile's `gunicorn` resolves to the venv's, and so does its Python."""
    result = {
        **base_env,
        "PATH": f"{venv / 'bin'}:{os.environ.get('PATH', '')}",
        "VIRTUAL_ENV": str(venv),
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "MEDIA_ROOT": str(Path(base_env["STATIC_ROOT"]).parent / "helpdesk-media"),
    }
    result.pop("PYTHONPATH", None)
    return result


def seed(*, venv: Path, url: str, tickets: int, open_tickets: int, secret: str) -> Callers:
    """Migrate and seed (bench/helpdesk/seed.py in helpdesk's venv); the callers it made. The
    session is signed with `secret`, so the server must run with the same SECRET_KEY."""
    run_env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": SETTINGS}
    run_env |= {"SECRET_KEY": secret, "VIRTUAL_ENV": str(venv)}
    run_env.pop("PYTHONPATH", None)
    command = [str(venv / "bin" / "python"), "-m", "bench.helpdesk.seed"]
    command += ["--tickets", str(tickets), "--open", str(open_tickets)]
    result = subprocess.run(  # noqa: S603 - our seeder
        command, env=run_env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"helpdesk seeding failed:\n{result.stdout}\n{result.stderr}")
    data = json.loads(result.stdout.strip().splitlines()[-1])
    return Callers(token=data["token"], session=data["session"], queues=data["queues"])


def page_paths(base: str, session: str) -> list[str]:
    """The agent's ticket list as a browser loads it: the page (the shell), then the DataTable's
    data call for the first 25 rows, its URL as the page gives it."""
    response = httpx.get(f"{base}/tickets/", cookies={"sessionid": session}, timeout=120)
    response.raise_for_status()
    match = DATA_CALL.search(response.text)
    if match is None or "login" in str(response.url):
        raise SystemExit("helpdesk's /tickets/ gave no data call: not signed in as staff?")
    return ["/tickets/", match.group(0) + DATA_QUERY]
