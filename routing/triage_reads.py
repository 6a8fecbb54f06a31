"""Which tickets need triage, for the agent's list pages: a ticket needs triage while its
latest routing decision says triage was not confident (``triage.needs_triage``) and it still
sits with the team that decision chose (nobody has moved it since). Read as an annotation of
the page's own query, so a list page runs no extra query whatever its row count."""

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from routing.models import AllocationDecision


def with_needs_triage(tickets: QuerySet) -> QuerySet:
    """``tickets`` annotated with ``needs_triage`` (a boolean; the page checks the ticket is
    still open)."""
    latest = (
        AllocationDecision.objects.filter(ticket=OuterRef(OuterRef("pk")))
        .order_by("-decided_at", "-id")
        .values("pk")[:1]
    )
    waiting = AllocationDecision.objects.filter(
        pk=Subquery(latest), triage__needs_triage=True, team_id=OuterRef("team_id")
    )
    return tickets.annotate(needs_triage=Exists(waiting))
