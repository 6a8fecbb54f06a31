"""Following a ticket without e-mail: the requester's ticket page asks every few seconds
whether its ticket changed (``/tickets/<uuid>/follow/?v=<token>``). Unchanged: 204, nothing
swapped, one small query. Changed: the poller comes back with the new token and an
``HX-Trigger: ticket-changed`` header, on which the page fetches itself once and swaps in its
status and public timeline (hx-select-oob; templates/desk/_follow.html), so the timeline is
drawn by the page's own template. A closed ticket changes no more: polling stops (286).

Why polling and not the ticket websocket: the only ticket socket is staff presence; a
requester socket would need the channel layer fed with visibility-filtered timeline events,
and polling works the same behind any proxy, without Redis or a socket per tab."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from desk.pages.common import require_role
from tickets.lifecycle import TicketStatus
from tickets.selectors import visible_tickets, visible_timeline

STOP_POLLING = 286  # htmx: stop the "every" trigger


def poll_seconds() -> int:
    """How often a requester's page asks (PORTAL_POLL_SECONDS, 20 by default)."""
    return int(getattr(settings, "PORTAL_POLL_SECONDS", 20))


def follow_token(status: str, entries: int) -> str:
    """What the page showed: the status and how many entries the viewer sees."""
    return f"{status}.{entries}"


@login_required
@require_GET
def follow(request: HttpRequest, ticket_id) -> HttpResponse:
    require_role(request.user)
    rows = visible_tickets(request.user).filter(pk=ticket_id)
    ticket = get_object_or_404(rows.only("id", "status", "requester_id"))
    entries = visible_timeline(request.user, ticket).count()
    token = follow_token(ticket.status, entries)
    closed = ticket.status == TicketStatus.CLOSED
    if request.GET.get("v") == token:
        return HttpResponse(status=STOP_POLLING if closed else 204)
    response = render(
        request,
        "desk/_follow_poller.html",
        {"ticket": ticket, "token": token, "changed": True, "poll": poll_seconds()},
        status=STOP_POLLING if closed else 200,
    )
    response["HX-Trigger"] = "ticket-changed"
    return response
