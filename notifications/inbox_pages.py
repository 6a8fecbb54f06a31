"""``/notifications/``: the signed-in user's in-app notifications, newest first, a page at a
time, with "mark all read" and "open" (marks one read, then goes to its ticket)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from notifications.actions import inbox as inbox_actions
from notifications.models import Notification
from notifications.selectors import notifications_for

PAGE_SIZE = 30


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    notes = notifications_for(request.user).order_by("-created_at", "pk")
    page = Paginator(notes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    inbox_actions.mark_all_read(user=request.user)
    return redirect("notifications:inbox")


@login_required
@require_POST
def open_one(request: HttpRequest, notification_id) -> HttpResponse:
    get_object_or_404(Notification, pk=notification_id, user=request.user)
    note = inbox_actions.mark_read(user=request.user, notification_id=notification_id)
    if note.ticket_id is None:
        return redirect("notifications:inbox")
    return redirect(reverse("desk:detail", args=[note.ticket_id]))
