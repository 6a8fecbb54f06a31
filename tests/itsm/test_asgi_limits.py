"""itsm.asgi_limits.ConcurrencyLimit: at most `limit` HTTP requests inside the app at once, the
rest wait and all complete; 0 turns it off; the served application is wrapped with it."""

import asyncio

from django.conf import settings

from core.api.error_format import ApiErrorFormatASGI
from itsm.asgi import application
from itsm.asgi_limits import ConcurrencyLimit


def _probe_app():
    state = {"inside": 0, "most": 0, "done": 0}

    async def app(scope, receive, send) -> None:
        state["inside"] += 1
        state["most"] = max(state["most"], state["inside"])
        await asyncio.sleep(0.01)  # stands for a request's work: the others must queue
        state["inside"] -= 1
        state["done"] += 1

    return app, state


def _serve(limit: int, requests: int) -> dict:
    app, state = _probe_app()
    limited = ConcurrencyLimit(app, limit)

    async def burst() -> None:
        await asyncio.gather(*(limited({"type": "http"}, None, None) for _ in range(requests)))

    asyncio.run(burst())
    return state


def test_at_most_limit_requests_inside_and_all_served():
    state = _serve(limit=3, requests=20)
    assert state["most"] == 3
    assert state["done"] == 20


def test_zero_turns_the_limit_off():
    assert _serve(limit=0, requests=20)["most"] == 20


def test_a_fresh_event_loop_gets_its_own_slots():
    """Each asyncio.run is a new loop: a semaphore bound to an old one must not be reused."""
    app, state = _probe_app()
    limited = ConcurrencyLimit(app, 2)
    for _ in range(2):
        asyncio.run(_gather(limited, 6))
    assert state["most"] == 2 and state["done"] == 12


async def _gather(app, count: int) -> None:
    await asyncio.gather(*(app({"type": "http"}, None, None) for _ in range(count)))


def test_the_served_http_app_is_limited():
    http = application.application_mapping["http"]
    assert isinstance(http, ApiErrorFormatASGI)  # outermost: reshapes the handler's own 4xx
    http = http.app
    assert isinstance(http, ConcurrencyLimit)
    assert http.limit == settings.HTTP_CONCURRENCY >= 1
