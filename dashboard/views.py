"""``/dashboard/``: the live manager dashboard (managers and admins). The page renders the
current snapshot, so it is useful before the websocket connects; static/dashboard/dashboard.js
then keeps it live."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.roles import is_manager_or_admin
from dashboard import analytics, kpis

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
        },
    )


def _trend_days(value: str | None) -> int:
    """One of the offered spans; anything else (absent, typed by hand) is the default."""
    try:
        days = int(value or DEFAULT_TREND_DAYS)
    except ValueError:
        return DEFAULT_TREND_DAYS
    return days if days in TREND_DAYS else DEFAULT_TREND_DAYS
