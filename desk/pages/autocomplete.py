"""``/autocomplete/<kind>/?q=``: suggestions for the list's filters and the ticket's category,
as JSON ``{"results": [{"value", "label"}]}`` (static/js/autocomplete.js). Staff only; at most
``LIMIT`` results, read in one query whatever the tables hold. Each ``value`` is what the
ticket filters accept (desk.filters): a team's slug, an owner's or requester's e-mail address
(an owner without one by id), a category as written."""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from core.roles import STAFF_ROLE_GROUPS
from desk.pages.common import require_staff
from org.models import Team
from tickets.models import Contact, Ticket

LIMIT = 10
MAX_QUERY = 100


def _teams(text: str) -> list[dict]:
    teams = Team.objects.filter(status=Team.Status.ACTIVE)
    if text:
        teams = teams.filter(Q(name__icontains=text) | Q(slug__icontains=text))
    return [
        {"value": slug, "label": name}
        for slug, name in teams.order_by("name").values_list("slug", "name")[:LIMIT]
    ]


def _owners(text: str) -> list[dict]:
    staff = get_user_model().objects.filter(
        is_active=True,
        pk__in=get_user_model()
        .objects.filter(groups__name__in=[role.value for role in STAFF_ROLE_GROUPS])
        .values("pk"),
    )
    if text:
        staff = staff.filter(
            Q(username__icontains=text)
            | Q(first_name__icontains=text)
            | Q(last_name__icontains=text)
            | Q(email__icontains=text)
        )
    rows = staff.order_by("first_name", "username").values_list(
        "pk", "username", "first_name", "last_name", "email"
    )[:LIMIT]
    return [
        {"value": email or str(pk), "label": f"{first} {last}".strip() or username}
        for pk, username, first, last, email in rows
    ]


def _requesters(text: str) -> list[dict]:
    contacts = Contact.objects.all()
    if text:
        contacts = contacts.filter(Q(name__icontains=text) | Q(email__icontains=text))
    rows = contacts.order_by("name", "email").values_list("email", "name")[:LIMIT]
    return [{"value": email, "label": name or email} for email, name in rows]


def _categories(text: str) -> list[dict]:
    tickets = Ticket.objects.exclude(category="")
    if text:
        tickets = tickets.filter(category__icontains=text)
    names = tickets.order_by("category").values_list("category", flat=True).distinct()[:LIMIT]
    return [{"value": name, "label": name} for name in names]


KINDS: dict[str, Callable[[str], list[dict]]] = {
    "team": _teams,
    "owner": _owners,
    "requester": _requesters,
    "category": _categories,
}


@login_required
@require_GET
def suggest(request: HttpRequest, kind: str) -> JsonResponse:
    require_staff(request.user)
    if kind not in KINDS:
        raise Http404("No such list.")
    text = request.GET.get("q", "").strip()[:MAX_QUERY]
    return JsonResponse({"results": KINDS[kind](text)})
