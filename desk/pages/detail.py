"""``/tickets/<uuid>/``: the ticket with its timeline, envelopes, tasks, SLA clocks and the
allocation explained, and the POSTs its forms send (each one an action call). A refused action
renders the page again with the action's message and the matching 4xx status."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import DomainError, DomainValidationError
from core.roles import Role, is_manager_or_admin, is_staff_role
from desk.pages.common import error_message, error_status, require_role, ticket_rows
from desk.pages.feedback import action_done
from desk.pages.sidebar import sidebar_context
from desk.pages.timeline_extras import composer_context
from desk.pages.triage_view import triage_panel
from escalations.actions import envelopes
from escalations.models import Envelope
from escalations.selectors import may_accept, ticket_envelopes
from org.models import Team
from routing.selectors import latest_decisions
from routing.serializers_shape import decision_payload
from sla.selectors import sla_view
from tickets.actions import lifecycle, ownership
from tickets.lifecycle import TicketStatus
from tickets.models import Ticket, TimelineEntry
from tickets.selectors import visible_attachments, visible_timeline

S = TicketStatus
FACTORS = (
    "capability",
    "availability",
    "proximity",
    "velocity",
    "performance",
    "affinity",
    "competency",
)


def allowed_actions(user, ticket: Ticket) -> set[str]:
    """The buttons to show. The actions decide again on POST; this only hides the hopeless."""
    role = require_role(user)
    requester = role == Role.REQUESTER
    works = is_manager_or_admin(user) or (
        ticket.owner_id is not None and ticket.owner_id == user.pk
    )
    actions = set()
    if not requester and ticket.status == S.NEW and ticket.owner_id is None:
        actions.add("accept")
    if works and ticket.status == S.IN_PROGRESS:
        actions.add("wait")
    if (works or requester) and ticket.status == S.WAITING:
        actions.add("resume")
    if works and ticket.status in (S.IN_PROGRESS, S.ESCALATED):
        actions.add("resolve")
    if (works or requester) and ticket.status == S.RESOLVED:
        actions.update({"reopen", "close"})
    if ticket.owner_id == user.pk and ticket.status in (S.IN_PROGRESS, S.ESCALATED):
        actions.add("escalate")
    if ticket.status != S.CLOSED:
        actions.add("reply")
    return actions


def _visible_ticket(user, ticket_id) -> Ticket:
    return get_object_or_404(ticket_rows(user), pk=ticket_id)


def _allocation(ticket: Ticket) -> dict | None:
    decision = latest_decisions([ticket.pk]).get(ticket.pk)
    if decision is None:
        return None
    payload = decision_payload(decision)
    scores = payload.get("scores") or {}
    payload["bars"] = [
        {"name": name, "value": float(scores[name]), "percent": round(float(scores[name]) * 100)}
        for name in FACTORS
        if name in scores
    ]
    payload["runners_up"] = [
        candidate
        for candidate in payload.get("candidates") or []
        if candidate.get("group_id") != (payload["allocation"] or {}).get("group_id")
    ][:3]
    payload["triage"] = triage_panel(ticket, decision)
    return payload


def _context(request: HttpRequest, ticket: Ticket) -> dict:
    user = request.user
    staff = is_staff_role(user)
    context = {
        "ticket": ticket,
        "sla": sla_view(ticket),
        "timeline": list(visible_timeline(user, ticket)),
        "attachments": list(visible_attachments(user).filter(ticket=ticket)),
        "actions": allowed_actions(user, ticket),
        "is_staff": staff,
    }
    if staff:
        thread = TimelineEntry.objects.filter(
            visibility=TimelineEntry.Visibility.ENVELOPE_ONLY
        ).select_related("author")
        envelopes = list(
            ticket_envelopes(user, ticket).prefetch_related(
                Prefetch("entries", queryset=thread.order_by("created_at"), to_attr="thread")
            )
        )
        for envelope in envelopes:
            envelope.may_accept = envelope.status == "pending" and may_accept(user, envelope)
            envelope.may_complete = envelope.status == "active" and (
                user.pk in (envelope.assigned_to_id, ticket.owner_id) or is_manager_or_admin(user)
            )
        context |= {
            "envelopes": envelopes,
            "tasks": list(ticket.tasks.select_related("assigned_to")),
            "flags": list(ticket.flags.all()),
            "allocation": _allocation(ticket),
        } | sidebar_context(user, ticket)
        if "escalate" in context["actions"]:
            context["teams"] = list(Team.objects.filter(status=Team.Status.ACTIVE).order_by("name"))
            context["agents"] = list(
                get_user_model()
                .objects.filter(groups__name=Role.AGENT, is_active=True)
                .exclude(pk=user.pk)
                .order_by("username")
            )
    return context | composer_context(user, ticket, context["timeline"])


@login_required
@require_GET
def ticket_detail(request: HttpRequest, ticket_id) -> HttpResponse:
    require_role(request.user)
    ticket = _visible_ticket(request.user, ticket_id)
    return render(request, "desk/detail.html", _context(request, ticket))


def _is_stale(request: HttpRequest, ticket: Ticket) -> bool:
    try:
        seen = int(request.POST.get("seen", ""))
    except ValueError:
        return False
    return visible_timeline(request.user, ticket).count() > seen


def _refused(request: HttpRequest, ticket_id, error: DomainError, **extra) -> HttpResponse:
    ticket = _visible_ticket(request.user, ticket_id)
    context = _context(request, ticket) | {"error": error_message(error)} | extra
    return render(request, "desk/detail.html", context, status=error_status(error))


TICKET_ACTIONS = {
    "accept": lambda ticket_id, actor, post: ownership.accept_ticket(
        ticket_id=ticket_id, actor=actor
    ),
    "wait": lambda ticket_id, actor, post: lifecycle.wait_ticket(
        ticket_id=ticket_id, actor=actor, reason=post.get("reason", "").strip()
    ),
    "resume": lambda ticket_id, actor, post: lifecycle.resume_ticket(
        ticket_id=ticket_id, actor=actor
    ),
    "resolve": lambda ticket_id, actor, post: lifecycle.resolve_ticket(
        ticket_id=ticket_id, actor=actor, resolution=post.get("resolution", "")
    ),
    "reopen": lambda ticket_id, actor, post: lifecycle.reopen_ticket(
        ticket_id=ticket_id, actor=actor, reason=post.get("reason", "").strip()
    ),
    "close": lambda ticket_id, actor, post: lifecycle.close_ticket(
        ticket_id=ticket_id, actor=actor
    ),
}


@login_required
@require_POST
def ticket_action(request: HttpRequest, ticket_id, action: str) -> HttpResponse:
    require_role(request.user)
    if action not in TICKET_ACTIONS:
        raise Http404("No such action.")
    _visible_ticket(request.user, ticket_id)  # 404 before any rule is checked
    try:
        TICKET_ACTIONS[action](ticket_id, request.user, request.POST)
    except DomainError as error:
        return _refused(request, ticket_id, error)
    action_done(request, action)
    return redirect("desk:detail", ticket_id=ticket_id)


@login_required
@require_POST
def open_envelope(request: HttpRequest, ticket_id) -> HttpResponse:
    require_role(request.user)
    _visible_ticket(request.user, ticket_id)
    try:
        team = _pick(Team.objects.all(), request.POST.get("team"), "team")
        agent = _pick(get_user_model().objects.all(), request.POST.get("agent"), "agent")
        envelopes.open_envelope(
            ticket_id=ticket_id,
            actor=request.user,
            team=team,
            agent=agent,
            reason=request.POST.get("reason", ""),
        )
    except DomainError as error:
        return _refused(request, ticket_id, error)
    return redirect("desk:detail", ticket_id=ticket_id)


def _pick(queryset, value: str | None, field: str):
    if not value:
        return None
    try:
        return queryset.get(pk=value)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as error:
        raise DomainValidationError({field: ["Pick one from the list."]}) from error


ENVELOPE_ACTIONS = {
    "accept": lambda envelope_id, actor, post: envelopes.accept_envelope(
        envelope_id=envelope_id, actor=actor
    ),
    "post": lambda envelope_id, actor, post: envelopes.add_envelope_entry(
        envelope_id=envelope_id, actor=actor, content=post.get("content", "")
    ),
    "complete": lambda envelope_id, actor, post: envelopes.complete_envelope(
        envelope_id=envelope_id, actor=actor, summary=post.get("summary", "")
    ),
}


@login_required
@require_POST
def envelope_action(request: HttpRequest, envelope_id, action: str) -> HttpResponse:
    require_role(request.user)
    if action not in ENVELOPE_ACTIONS:
        raise Http404("No such action.")
    envelope = get_object_or_404(Envelope.objects.only("id", "ticket_id"), pk=envelope_id)
    _visible_ticket(request.user, envelope.ticket_id)
    try:
        ENVELOPE_ACTIONS[action](envelope_id, request.user, request.POST)
    except DomainError as error:
        return _refused(request, envelope.ticket_id, error)
    return redirect("desk:detail", ticket_id=envelope.ticket_id)
