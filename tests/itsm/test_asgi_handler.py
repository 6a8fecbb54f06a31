"""itsm.asgi_handler: a request's sync work in one hand-off to a thread the process keeps;
``request_finished`` in the thread that ran the view, where the request's database
connection lives, even when the response could not be built (the 500 page failed as well),
so the connection goes back to the pool (the pool itself: tests/itsm/test_connection_pool.py).
"""

import asyncio
import threading

import pytest
from asgiref import sync
from asgiref.testing import ApplicationCommunicator
from django.core import signals
from django.test import override_settings

from itsm.asgi_handler import OneHandOffASGIHandler
from tests.asgi import http_get, http_scope


@pytest.fixture(autouse=True)
def urls():
    with override_settings(ROOT_URLCONF="tests.itsm.double_fault_urls", DEBUG=False):
        yield


async def request(app, path: str) -> tuple[int, bytes]:
    status, _, body = await http_get(app, path)
    return status, body


@pytest.fixture
def finished():
    """The thread of each request_finished."""
    seen: list[int] = []

    def receiver(**kwargs) -> None:
        seen.append(threading.get_ident())

    signals.request_finished.connect(receiver)
    yield seen
    signals.request_finished.disconnect(receiver)


@pytest.fixture
def hand_offs(monkeypatch):
    count = [0]
    original = sync.SyncToAsync.__call__

    async def counted(self, *args, **kwargs):
        count[0] += 1
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(sync.SyncToAsync, "__call__", counted)
    return count


def test_a_request_is_one_hand_off_to_a_kept_thread_that_also_finishes_it(finished, hand_offs):
    app = OneHandOffASGIHandler(threads=2)
    before = threading.active_count()

    async def six_requests():
        return [await request(app, "/thread/") for _ in range(6)]

    answers = asyncio.run(six_requests())
    assert {status for status, _ in answers} == {200}
    threads = {int(body) for _, body in answers}
    assert threads <= {thread.ident for thread in app.executor._threads}
    assert len(threads) <= 2 and threading.active_count() - before <= 2  # none per request
    assert hand_offs[0] == 6
    assert finished == [int(body) for _, body in answers]  # the view's thread, each time


def test_a_streamed_answer_is_sent_whole_then_closed(finished, hand_offs, monkeypatch):
    from itsm import asgi_handler
    from tests.itsm import double_fault_urls

    released: list[int] = []
    monkeypatch.setattr(
        asgi_handler.db, "close_old_connections", lambda: released.append(threading.get_ident())
    )
    app = OneHandOffASGIHandler(threads=2)
    assert asyncio.run(request(app, "/stream/")) == (200, b"one two")
    assert len(finished) == 1
    assert hand_offs[0] >= 2  # the view, the close (the chunks may take more)
    assert released == [double_fault_urls.SEEN["stream"]]  # the view's thread let go


def test_a_streamed_answer_is_closed_when_sending_it_fails(finished):
    app = OneHandOffASGIHandler(threads=2)

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        if message["type"] == "http.response.body":
            raise OSError("the client went away")

    with pytest.raises(OSError, match="went away"):
        asyncio.run(app.handle(http_scope("/stream/"), receive, send))
    assert len(finished) == 1  # closed all the same: request_finished was sent


def test_a_request_whose_500_page_failed_still_finishes_in_the_views_thread(finished):
    app = OneHandOffASGIHandler(threads=2)

    async def fail():
        communicator = ApplicationCommunicator(app, http_scope("/double-fault/"))
        await communicator.send_input({"type": "http.request", "body": b""})
        await communicator.wait(timeout=10)  # raises what ended the application

    with pytest.raises(RuntimeError, match="the 500 page failed too"):
        asyncio.run(fail())
    from tests.itsm import double_fault_urls

    assert finished == [double_fault_urls.SEEN["view"]]


def test_the_application_has_a_thread_for_each_request_that_may_run_at_once(settings):
    from itsm.asgi import django_asgi_app

    assert django_asgi_app.threads == settings.HTTP_CONCURRENCY
    assert not django_asgi_app._middleware_chain.__class__.__name__.startswith("Async")
