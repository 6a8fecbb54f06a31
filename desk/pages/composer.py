"""The composer on the ticket page: posting a reply or note (Markdown, files, minutes,
mentions: tickets.actions.compose), and the small staff-only endpoints its script calls: the
Markdown preview (htmx), the ``@`` autocomplete and a canned response filled in for the ticket.
Each endpoint runs a fixed number of queries."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import DomainError
from core.markdown import render_entry
from desk.canned import usable_responses
from desk.pages.common import require_role, require_staff
from desk.pages.detail import _context, _is_stale, _refused, _visible_ticket
from desk.pages.feedback import entry_done
from desk.placeholders import fill, values_for
from tickets.actions.compose import compose_entry
from tickets.mentions import staff_users

MENTION_LIMIT = 8
MAX_PREVIEW = 50_000


@login_required
@require_POST
def compose(request: HttpRequest, ticket_id) -> HttpResponse:
    """A public reply or (staff only) an internal note. Written against an outdated timeline
    (entries arrived since the page was loaded), it asks before sending."""
    require_role(request.user)
    ticket = _visible_ticket(request.user, ticket_id)
    post = request.POST
    draft = {
        "draft": post.get("content", ""),
        "draft_visibility": post.get("visibility", "public"),
        "draft_minutes": post.get("minutes", ""),
    }
    if _is_stale(request, ticket) and post.get("send_anyway") != "yes":
        context = _context(request, _visible_ticket(request.user, ticket_id))
        return render(request, "desk/detail.html", context | draft | {"stale": True}, status=409)
    try:
        compose_entry(
            ticket_id=ticket_id,
            actor=request.user,
            visibility=draft["draft_visibility"],
            content=draft["draft"],
            minutes=draft["draft_minutes"],
            uploads=request.FILES.getlist("files"),
        )
    except DomainError as error:
        fields = getattr(error, "errors", {})
        return _refused(request, ticket_id, error, composer_errors=fields, **draft)
    entry_done(request, draft["draft_visibility"])
    return redirect(reverse("desk:detail", args=[ticket_id]) + "#timeline")


@login_required
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """The Markdown as the timeline will show it (the same sanitiser), for htmx to swap in."""
    require_staff(request.user)
    text = request.POST.get("content", "")[:MAX_PREVIEW]
    if not text.strip():
        return HttpResponse('<p class="muted">Nothing to preview yet.</p>')
    return HttpResponse(format_html('<div class="md">{}</div>', mark_safe(render_entry(text))))  # noqa: S308


@login_required
@require_GET
def mention_candidates(request: HttpRequest) -> JsonResponse:
    """Active staff whose username or name starts with ``q``: at most eight, one query."""
    require_staff(request.user)
    typed = request.GET.get("q", "").strip().lstrip("@")[:50]
    people = staff_users()
    if typed:
        people = people.filter(
            Q(username__istartswith=typed)
            | Q(first_name__istartswith=typed)
            | Q(last_name__istartswith=typed)
        )
    rows = people.order_by("username").values("username", "first_name", "last_name")
    return JsonResponse(
        {
            "results": [
                {
                    "username": row["username"],
                    "name": f"{row['first_name']} {row['last_name']}".strip() or row["username"],
                }
                for row in rows[:MENTION_LIMIT]
            ]
        }
    )


@login_required
@require_GET
def canned_for_ticket(request: HttpRequest, ticket_id, response_id: int) -> JsonResponse:
    """A canned response with its placeholders filled in for this ticket and agent (plain
    text for the composer; never run as a template)."""
    require_staff(request.user)
    ticket = _visible_ticket(request.user, ticket_id)
    response = get_object_or_404(usable_responses(request.user), pk=response_id)
    text = fill(response.body, values_for(ticket=ticket, agent=request.user))
    return JsonResponse({"title": response.title, "text": text})
