"""Celery tasks: thin, idempotent wrappers over the routing actions (safe to run twice)."""

from celery import shared_task
from django.db import DatabaseError

from core.exceptions import DomainValidationError
from routing import learned_triage
from routing.actions import metrics, route
from tickets.models import Ticket


@shared_task(
    autoretry_for=(DatabaseError,),
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=8,
    acks_late=True,
)
def route_ticket_task(ticket_id: str) -> str | None:
    """Route one ticket if it still has no team; returns the decision id, if one was made."""
    try:
        decision = route.route_ticket(ticket_id=ticket_id)
    except Ticket.DoesNotExist:
        return None  # deleted before we got to it: nothing to route
    return str(decision.pk) if decision else None


@shared_task(acks_late=True)
def route_unrouted_tickets() -> int:
    """Periodic safety net: route open tickets left without a team."""
    return route.route_unrouted()


@shared_task(acks_late=True)
def refresh_team_metrics() -> int:
    """Periodic: measured velocity and compliance per team and category."""
    return metrics.refresh_team_metrics()


@shared_task(acks_late=True)
def train_triage_model() -> int | None:
    """Weekly: a new learned-triage model from the resolved tickets (activated when the
    settings allow it and it is at least as good). None when there is too little data."""
    try:
        return learned_triage.train_model().pk
    except DomainValidationError:
        return None
