import pytest
from rest_framework.test import APIClient

from core import tasks as core_tasks


@pytest.fixture
def api():
    """An API client; `api.as_(user)` signs it in (None: anonymous)."""

    class Client(APIClient):
        def as_(self, user):
            self.force_authenticate(user=user)
            return self

    return Client()


class QueuedDeliverer:
    """The server's deliverer thread, busy: streams are queued for after the response."""

    running = True

    def __init__(self) -> None:
        self.streams: list[str] = []

    def submit(self, stream: str) -> None:
        self.streams.append(stream)


@pytest.fixture
def queued(monkeypatch) -> QueuedDeliverer:
    """Creates answer before their delivery; the streams they queued are in ``.streams``."""
    deliverer = QueuedDeliverer()
    monkeypatch.setattr(core_tasks, "deliverer", deliverer)
    return deliverer
