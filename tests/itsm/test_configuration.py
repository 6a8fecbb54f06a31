"""Where settings come from (itsm.configuration): the environment, then the `.env` file that
`make run` writes; and what every entry point says when neither gives a secret."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.dashboard.server import manage, prepare_database
from tests.itsm.test_settings import settings_as_json

pytestmark = [pytest.mark.slow, pytest.mark.embedded]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def bare_env(**extra: str) -> dict[str, str]:
    """A shell on a fresh clone: none of the suite's settings, no .env to read."""
    dropped = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    return env | {"ENV_FILE": "/nonexistent/.env"} | extra


def written_env_file(tmp_path: Path) -> Path:
    """The file `make run` writes, made by the Makefile's own rule."""
    done = subprocess.run(
        ["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), "-C", str(tmp_path), ".env"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return tmp_path / ".env"


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "manage.py", "migrate"],
        [sys.executable, "-m", "itsm.server", "-p", "1", "itsm.asgi:application"],
        [str(BIN / "celery"), "-A", "itsm", "worker"],
        [str(BIN / "celery"), "-A", "itsm", "beat"],
    ],
    ids=["manage.py", "server", "celery worker", "celery beat"],
)
def test_without_configuration_each_entry_point_says_one_sentence(command):
    done = subprocess.run(
        command, cwd=ROOT, env=bare_env(), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "Error: SECRET_KEY is missing: with DEBUG off the server needs a secret of its own; "
        "run `make run` once (it writes a development .env) or set SECRET_KEY and DEBUG in "
        "the environment (docs/operations.md)."
    ]


def test_make_writes_a_private_env_file_with_a_new_secret(tmp_path):
    first = written_env_file(tmp_path)
    assert oct(first.stat().st_mode & 0o777) == "0o600"
    lines = dict(
        line.split("=", 1) for line in first.read_text().splitlines() if not line.startswith("#")
    )
    assert lines["DEBUG"] == "true"
    assert len(lines["SECRET_KEY"]) >= 50
    (tmp_path / "elsewhere").mkdir()
    other = written_env_file(tmp_path / "elsewhere")
    assert other.read_text() != first.read_text()


def test_settings_read_the_env_file_and_the_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=true\nALLOWED_HOSTS=from-the-file.example\n")
    config = settings_as_json(bare_env(ENV_FILE=str(env_file)))
    assert config["debug"] is True
    assert config["hosts"] == ["from-the-file.example"]
    config = settings_as_json(bare_env(ENV_FILE=str(env_file), ALLOWED_HOSTS="from-env.example"))
    assert config["hosts"] == ["from-env.example"]


def test_demo_admin_prints_the_address_make_run_serves(tmp_path):
    env = bare_env(
        DEBUG="true",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        HOST="0.0.0.0",
        PORT="8123",
    )
    prepare_database(env)  # a copy of the run's migrated template
    assert "Admin: http://0.0.0.0:8123/admin/" in manage(env, "demo_admin")
