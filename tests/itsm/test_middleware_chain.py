"""Under ASGI the middleware chain runs in one thread: a request makes a fixed, small number of
sync/async hand-offs however many old-style middleware hooks there are (itsm.middleware).
Measured: 5 with the pin (request started and finished signals, the chain, the view, one more
in the core), 15 without."""

import asyncio

import pytest
from asgiref import sync
from django.conf import settings
from django.test import AsyncClient


def _hand_offs(monkeypatch, path: str) -> int:
    count = 0
    original = sync.SyncToAsync.__call__

    async def counted(self, *args, **kwargs):
        nonlocal count
        count += 1
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(sync.SyncToAsync, "__call__", counted)
    response = asyncio.run(AsyncClient().get(path))
    assert response.status_code == 404
    return count


@pytest.mark.django_db
def test_a_request_makes_at_most_five_thread_hand_offs(monkeypatch):
    assert settings.MIDDLEWARE[-1] == "itsm.middleware.SyncChainMiddleware"
    assert _hand_offs(monkeypatch, "/api/v1/no-such-thing/") <= 5


@pytest.mark.django_db
def test_without_the_pin_every_hook_hands_off(monkeypatch, settings):
    """The reason the pin exists: the same request through the unpinned chain."""
    settings.MIDDLEWARE = settings.MIDDLEWARE[:-1]
    assert _hand_offs(monkeypatch, "/api/v1/no-such-thing/") >= 10
