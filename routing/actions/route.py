"""Routing a ticket: decide its team (rules, affinity, scoring), store the explainable
AllocationDecision, and ask the ticket's action to apply it, in one transaction. One ticket is
a batch of one (routing.actions.batch routes many with their reads shared)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.exceptions import NotPermitted
from core.roles import is_manager_or_admin
from routing import selectors
from routing.actions.batch import RouteRequest, route_tickets
from routing.models import AllocationDecision

__all__ = [
    "RouteRequest",
    "ensure_may_reroute",
    "reroute_ticket",
    "route_ticket",
    "route_tickets",
    "route_unrouted",
]


def route_ticket(
    *, ticket_id, reroute: bool = False, actor=None, event: str | None = None, guess_priority=False
) -> AllocationDecision | None:
    """Decide the team of a ticket and set it. Idempotent: a ticket that already has a team
    (unless ``reroute``) or is no longer open is left alone and None returned. ``event`` names
    the rules to run (by default ticket.updated once the ticket was routed before, else
    ticket.created); ``guess_priority`` lets the learned triage set a priority nobody gave."""
    request = RouteRequest(
        ticket_id=ticket_id, event=event, reroute=reroute, guess_priority=guess_priority
    )
    return route_tickets(requests=[request], actor=actor)[0]


def ensure_may_reroute(actor) -> None:
    """Routing a ticket again, whatever team it has, is for managers and admins."""
    if not is_manager_or_admin(actor):
        raise NotPermitted("Only managers and admins route tickets again.")


@transaction.atomic
def reroute_ticket(*, ticket_id, actor) -> AllocationDecision | None:
    """Route a ticket again (managers and admins); None when it is no longer open."""
    ensure_may_reroute(actor)
    return route_ticket(ticket_id=ticket_id, reroute=True, actor=actor)


def route_unrouted(*, now=None, grace_seconds: int = 60, retry_minutes: int = 30) -> int:
    """Route open tickets left without a team (no eligible team then, a lost event...).
    Each ticket in its own transaction; returns how many got a decision."""
    now = now or timezone.now()
    pending = selectors.unrouted_tickets(
        older_than=now - timedelta(seconds=grace_seconds),
        retry_after=now - timedelta(minutes=retry_minutes),
    ).values_list("pk", flat=True)[:500]
    return sum(route_ticket(ticket_id=pk) is not None for pk in list(pending))
