"""The satisfaction page a requester reaches from the "resolved" e-mail: ``/csat/<token>/``.
No login: the signed token is the credential. A changed or foreign token is refused (400),
an old one is gone (410). POST is CSRF-protected like every form."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from core.exceptions import DomainValidationError
from notifications.actions import ratings
from notifications.csat import ExpiredCsatToken, InvalidCsatToken
from notifications.forms import RatingForm


@require_http_methods(["GET", "POST"])
def csat(request: HttpRequest, token: str) -> HttpResponse:
    try:
        ticket = ratings.ticket_for_csat_token(token)
    except ExpiredCsatToken as error:
        return _refused(request, str(error), status=410)
    except InvalidCsatToken as error:
        return _refused(request, str(error), status=400)
    existing = getattr(ticket, "satisfaction", None)
    if request.method == "GET":
        initial = {"rating": existing.rating, "comment": existing.comment} if existing else {}
        return _page(request, ticket, RatingForm(initial=initial))
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _page(request, ticket, form, status=400)
    try:
        ratings.rate_ticket(
            token=token, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
        )
    except DomainValidationError as error:
        for field, messages in error.errors.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
        return _page(request, ticket, form, status=400)
    return render(request, "notifications/csat_thanks.html", {"ticket": ticket})


def _page(request, ticket, form, status: int = 200) -> HttpResponse:
    return render(
        request, "notifications/csat.html", {"ticket": ticket, "form": form}, status=status
    )


def _refused(request, message: str, *, status: int) -> HttpResponse:
    return render(request, "notifications/csat_invalid.html", {"message": message}, status=status)
