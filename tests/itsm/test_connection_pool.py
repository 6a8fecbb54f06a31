"""On PostgreSQL each server process keeps a bounded pool of connections. Under ASGI every
request runs its sync code in a thread of its own; with per-thread persistent connections
(CONN_MAX_AGE) a burst of requests opened one connection per thread until PostgreSQL refused
new clients and requests failed with 500. Here a real daphne serves a burst on loopback."""

import asyncio
import os
import sys
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from django.conf import settings
from django.db import connection

from tests.itsm.test_server import daphne

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
POOL_MAX = 4
APPLICATION = "itsm-pool-test"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the pool is PostgreSQL's (CI's second run)"
    ),
    pytest.mark.django_db(transaction=True),
]


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{quote(db['USER'])}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        f"?application_name={APPLICATION}"
    )


def _server_connections() -> int:
    """The server's connections (its DATABASE_URL names the application)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [APPLICATION]
        )
        return cursor.fetchone()[0]


async def _burst(base: str, requests: int, in_flight: int) -> list[int]:
    limits = httpx.Limits(max_connections=in_flight)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        semaphore = asyncio.Semaphore(in_flight)

        async def one() -> int:
            async with semaphore:
                return (await client.get("/health")).status_code

        return await asyncio.gather(*(one() for _ in range(requests)))


def test_a_burst_of_requests_shares_a_bounded_pool():
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "itsm.settings",
        "DEBUG": "true",
        "DATABASE_URL": _database_url(),
        "DATABASE_POOL_MAX": str(POOL_MAX),
    }
    with daphne(env) as base:
        statuses = asyncio.run(_burst(base, requests=240, in_flight=24))
        held = _server_connections()
    assert statuses == [200] * 240
    assert 1 <= held <= POOL_MAX


def _staff_session() -> str:
    """A signed-in session of a staff user, in the database the server reads."""
    from importlib import import_module

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from tests.factories import AgentFactory

    agent = AgentFactory()
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(agent.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = agent.get_session_auth_hash()
    session.create()
    return session.session_key


def test_pages_whose_error_page_fails_too_give_their_connections_back(tmp_path):
    """Under DEBUG off without collectstatic, every page fails on its first static file and so
    does the 500 page. Each such request used to keep its pooled connection: two of them and
    the server answered nothing more."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "SECRET_KEY")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "itsm.settings",
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,  # the session below is signed with it
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "STATIC_ROOT": str(tmp_path / "never-collected"),
        "DATABASE_URL": _database_url(),
        "DATABASE_POOL_MAX": "2",
        "DATABASE_POOL_TIMEOUT": "3",
    }
    session = _staff_session()
    with daphne(env) as base:
        with httpx.Client(base_url=base, timeout=30, cookies={"sessionid": session}) as client:
            failed = [client.get("/tickets/") for _ in range(5)]
            health = client.get("/health")
        held = _server_connections()
    assert [response.status_code for response in failed] == [500] * 5
    assert "Something went wrong" in failed[-1].text
    assert health.status_code == 200
    assert held <= 2
