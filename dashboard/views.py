"""``/dashboard/``: the live manager dashboard (managers and admins). The page renders the
current snapshot, so it is useful before the websocket connects; static/dashboard/dashboard.js
then keeps it live."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.roles import is_manager_or_admin
from dashboard import analytics, kpis, realtime
from tickets.lifecycle import TicketStatus
from tickets.models import Priority

# The trend's spans a manager can pick (?days=); a quarter shows the desk's seasons.
TREND_DAYS = (14, 30, 90)
DEFAULT_TREND_DAYS = 30


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not is_manager_or_admin(request.user):
        raise PermissionDenied("The dashboard is for managers and admins.")
    snapshot = kpis.snapshot()
    days = _trend_days(request.GET.get("days"))
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "snapshot": snapshot,
            "trend": analytics.trends(days=days),
            "trend_choices": TREND_DAYS,
            "websocket_path": "/ws/dashboard/",
            "labels": labels(),
        },
    )


def _trend_days(value: str | None) -> int:
    """One of the offered spans; anything else (absent, typed by hand) is the default."""
    try:
        days = int(value or DEFAULT_TREND_DAYS)
    except ValueError:
        return DEFAULT_TREND_DAYS
    return days if days in TREND_DAYS else DEFAULT_TREND_DAYS


EVENT_LABELS = {
    realtime.TICKET_CREATED: "Ticket created",
    realtime.TICKET_UPDATED: "Ticket updated",
    realtime.TICKET_ASSIGNED: "Ticket assigned",
    realtime.TICKET_RESOLVED: "Ticket resolved",
    realtime.ENVELOPE_CREATED: "Envelope opened",
    realtime.ENVELOPE_COMPLETED: "Envelope completed",
    realtime.SLA_WARNING: "SLA at risk",
    realtime.SLA_BREACHED: "SLA breached",
}


def labels() -> dict:
    """What the charts and the event feed show for the raw values the snapshot and the events
    carry: the models' own choice labels ("In progress", not ``in_progress``)."""
    return {
        "status": dict(TicketStatus.choices),
        "priority": dict(Priority.choices),
        "event": EVENT_LABELS,
    }
