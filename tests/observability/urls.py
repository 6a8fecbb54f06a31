"""Views that refuse or fail the way real ones do, for the log tests."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("Not yours.")


def missing(request: HttpRequest) -> HttpResponse:
    raise Http404("No such thing.")


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the view broke")


urlpatterns = [
    path("forbidden", forbidden),
    path("missing", missing),
    path("broken", broken),
]
