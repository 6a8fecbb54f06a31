"""Views for tests/itsm/test_asgi_handler.py: one that fails with a 500 page that fails too,
one that answers with its thread, one that streams."""

import threading

from django.http import HttpResponse, StreamingHttpResponse
from django.urls import path

SEEN: dict[str, int] = {}


def failing_view(request):
    SEEN["view"] = threading.get_ident()
    raise RuntimeError("the view failed")


def failing_500(request):
    raise RuntimeError("the 500 page failed too")


def thread_view(request):
    return HttpResponse(str(threading.get_ident()))


def streaming_view(request):
    SEEN["stream"] = threading.get_ident()
    return StreamingHttpResponse(iter([b"one ", b"two"]))


urlpatterns = [
    path("double-fault/", failing_view),
    path("thread/", thread_view),
    path("stream/", streaming_view),
]
handler500 = failing_500
