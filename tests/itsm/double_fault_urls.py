"""A view that fails and a 500 page that fails too (tests/itsm/test_asgi_handler.py)."""

import threading

from django.urls import path

SEEN: dict[str, int] = {}


def failing_view(request):
    SEEN["view"] = threading.get_ident()
    raise RuntimeError("the view failed")


def failing_500(request):
    raise RuntimeError("the 500 page failed too")


urlpatterns = [path("double-fault/", failing_view)]
handler500 = failing_500
