"""A request whose response cannot be built (its 500 page failed as well) still ends: Django's
``request_finished`` is sent in the thread that ran the view, where the request's database
connection lives, so the connection goes back to the pool (itsm/asgi_handler.py; the pool
itself: tests/itsm/test_connection_pool.py)."""

import threading

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from django.core import signals
from django.test import override_settings

from itsm.asgi_handler import FinishingASGIHandler
from tests.itsm import double_fault_urls

SCOPE = {
    "type": "http",
    "asgi": {"version": "3.0"},
    "http_version": "1.1",
    "method": "GET",
    "scheme": "http",
    "path": "/double-fault/",
    "raw_path": b"/double-fault/",
    "query_string": b"",
    "root_path": "",
    "headers": [(b"host", b"testserver")],
    "client": ("127.0.0.1", 5000),
    "server": ("testserver", 80),
}


async def _request(app) -> None:
    communicator = ApplicationCommunicator(app, SCOPE)
    await communicator.send_input({"type": "http.request", "body": b""})
    try:
        await communicator.wait(timeout=10)
    finally:
        await communicator.stop()


@override_settings(ROOT_URLCONF="tests.itsm.double_fault_urls", DEBUG=False)
def test_a_request_whose_500_page_failed_still_finishes_in_the_views_thread():
    finished: list[int] = []

    def receiver(**kwargs) -> None:
        finished.append(threading.get_ident())

    signals.request_finished.connect(receiver)
    try:
        with pytest.raises(RuntimeError, match="the 500 page failed too"):
            async_to_sync(_request)(FinishingASGIHandler())
    finally:
        signals.request_finished.disconnect(receiver)
    assert finished == [double_fault_urls.SEEN["view"]]
