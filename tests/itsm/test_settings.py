"""Settings come from the environment; each case runs in a fresh interpreter with its own env."""

import json
import os
import subprocess
import sys
from pathlib import Path

import environ
import pytest
from django.core.exceptions import ImproperlyConfigured

from itsm import databases

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-key-0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c",
    "ALLOWED_HOSTS": "desk.example.com",
}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    clean.pop("SECRET_KEY", None)
    clean.pop("DEBUG", None)
    clean["DJANGO_SETTINGS_MODULE"] = "itsm.settings"
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_as_json(env: dict[str, str]) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'],"
        " 'db_name': str(s.DATABASES['default']['NAME']),"
        " 'cache': s.CACHES['default']['BACKEND'],"
        " 'cache_dir': str(s.CACHES['default'].get('LOCATION', '')),"
        " 'layer': s.CHANNEL_LAYERS['default']['BACKEND'],"
        " 'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': s.CELERY_BROKER_URL,"
        " 'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS}))"
    )
    result = run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_embedded_default_needs_no_environment_but_debug():
    config = settings_as_json({"DEBUG": "true"})
    assert config["engine"] == "django.db.backends.sqlite3"
    assert config["db_name"].endswith("db.sqlite3")
    # Files the server, its delivery process and beat all use: in memory (/dev/shm) where the
    # system has it (one directory per database), else next to the database.
    assert config["cache"].endswith("FileBasedCache")
    if databases.MEMORY_DIR.is_dir():
        assert config["cache_dir"].startswith(str(databases.MEMORY_DIR / "itsm-cache-"))
        assert Path(config["cache_dir"]).stat().st_mode & 0o777 == 0o700
    else:
        assert config["cache_dir"] == config["db_name"] + "-cache"
    assert config["layer"] == "channels.layers.InMemoryChannelLayer"
    assert config["eager"] is True
    assert config["broker"] == "memory://"


@pytest.mark.slow
def test_database_and_redis_urls_switch_to_the_scale_out_backends():
    config = settings_as_json(
        PRODUCTION_ENV
        | {
            "DATABASE_URL": "postgres://itsm:pw@db.internal:5432/itsm",
            "REDIS_URL": "redis://cache.internal:6379/1",
        }
    )
    assert config["engine"] == "django.db.backends.postgresql"
    assert config["db_name"] == "itsm"
    assert config["cache"] == "itsm.redis_cache.ReusedClientRedisCache"
    assert config["layer"] == "itsm.channel_layer.BatchingRedisChannelLayer"
    assert config["eager"] is False
    assert config["broker"] == "redis://cache.internal:6379/1"
    assert config["debug"] is False
    assert config["hosts"] == ["desk.example.com"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "secret",
    [None, "", "django-insecure-development-only-key-never-use-in-production-0123456789"],
)
def test_production_refuses_to_start_without_its_own_secret(secret):
    env = {"DEBUG": "false"} if secret is None else {"DEBUG": "false", "SECRET_KEY": secret}
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "SECRET_KEY is missing" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_check_deploy_is_clean_with_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_cache_directory_is_private_or_not_used(tmp_path):
    """Under /dev/shm or /tmp another local user could create the name first; the cache's
    files are unpickled, so only a directory of ours that nobody else can open is taken."""
    mine = tmp_path / "mine"
    assert databases._private_dir(mine)
    assert mine.stat().st_mode & 0o777 == 0o700
    everyones = tmp_path / "everyones"
    everyones.mkdir()
    everyones.chmod(0o777)
    assert not databases._private_dir(everyones)
    link = tmp_path / "link"
    link.symlink_to(mine)
    assert not databases._private_dir(link)

    # The name taken by someone else everywhere: SQLite's cache goes next to its file,
    # PostgreSQL's asks for CACHE_DIR.
    env = environ.Env()
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "db.sqlite3")}
    postgres = {"ENGINE": "django.db.backends.postgresql", "NAME": "x", "HOST": "h"}
    for database in (sqlite, postgres):
        taken = everyones / f"itsm-cache-{databases._digest(database)}"
        taken.mkdir()
        taken.chmod(0o777)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(databases, "MEMORY_DIR", everyones)
        patch.setattr(databases.tempfile, "gettempdir", lambda: str(everyones))
        assert databases.embedded_cache(env, sqlite)["LOCATION"] == f"{sqlite['NAME']}-cache"
        with pytest.raises(ImproperlyConfigured):
            databases.embedded_cache(env, postgres)
        patch.setenv("CACHE_DIR", str(mine))
        assert databases.embedded_cache(env, postgres)["LOCATION"] == str(mine)


def test_a_worker_keeps_a_persistent_connection_instead_of_a_pool(monkeypatch):
    """itsm.celery calls without_pools at the worker's start: the pool goes, CONN_MAX_AGE
    keeps each task thread's connection; WORKER_DATABASE_POOL=true keeps the pool."""
    from itsm.databases import without_pools

    monkeypatch.delenv("WORKER_DATABASE_POOL", raising=False)
    monkeypatch.delenv("DATABASE_CONN_MAX_AGE", raising=False)

    def pooled() -> dict:
        return {
            "default": {"CONN_MAX_AGE": 0, "OPTIONS": {"pool": {"min_size": 2}, "a": 1}},
            "sqlite": {"CONN_MAX_AGE": 0, "OPTIONS": {"timeout": 20}},
        }

    databases = pooled()
    without_pools(databases, environ.Env())
    assert databases["default"] == {"CONN_MAX_AGE": 600, "OPTIONS": {"a": 1}}
    assert databases["sqlite"] == {"CONN_MAX_AGE": 0, "OPTIONS": {"timeout": 20}}

    kept = pooled()
    monkeypatch.setenv("WORKER_DATABASE_POOL", "true")
    without_pools(kept, environ.Env())
    assert kept == pooled()
