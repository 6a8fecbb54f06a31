"""Which tickets need triage, for the agent's list pages: a ticket needs triage while its
latest routing decision says triage was not confident (``triage.needs_triage``) and it still
sits with the team that decision chose (nobody has moved it since). Read as an annotation of
the page's own query, so a list page runs no extra query whatever its row count."""

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from core.roles import Role
from routing.models import AllocationDecision
from tickets.lifecycle import OPEN_STATUSES


def with_needs_triage(tickets: QuerySet, *, role: str | None) -> QuerySet:
    """``tickets`` annotated with ``needs_triage``: true while the ticket is open and waits for
    triage. Requesters never see triage's doubts: for them the annotation is absent."""
    if role == Role.REQUESTER:
        return tickets
    latest = (
        AllocationDecision.objects.filter(ticket=OuterRef(OuterRef("pk")))
        .order_by("-decided_at", "-id")
        .values("pk")[:1]
    )
    waiting = AllocationDecision.objects.filter(
        pk=Subquery(latest), triage__needs_triage=True, team_id=OuterRef("team_id")
    )
    open_and_waiting = Q(status__in=OPEN_STATUSES) & Q(Exists(waiting))
    return tickets.annotate(
        needs_triage=ExpressionWrapper(open_and_waiting, output_field=BooleanField())
    )
