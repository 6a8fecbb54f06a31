"""The AllocationDecision document of API.md, from a stored decision or from a dry run. One
shape, written once: the decisions API, the ticket API's ``allocation`` field and
``POST /api/v1/handlers/allocate`` all use these."""

from datetime import datetime

from django.db.models import OuterRef, Subquery
from rest_framework.fields import DateTimeField

from routing.models import AllocationDecision

_datetime = DateTimeField()


def document(
    *,
    decision_id,
    ticket_id,
    team_id,
    team_name: str,
    assigned_user: str | None,
    scores: dict,
    rationale: str,
    confidence: float,
    rule: str | None,
    candidates: list,
    decided_at: datetime,
    triage: dict | None = None,
) -> dict:
    allocation = None
    if team_id is not None:
        allocation = {
            "group_id": str(team_id),
            "group_name": team_name,
            "assigned_user": assigned_user or None,
        }
    return {
        "decision_id": str(decision_id) if decision_id else None,
        "ticket_id": str(ticket_id),
        "allocation": allocation,
        "scores": scores,
        "rationale": rationale,
        "confidence": confidence,
        "rule": rule or None,
        "candidates": candidates,
        "decided_at": _datetime.to_representation(decided_at),
        # Semantic triage's reading (routing.semantic.blend.TriageResult.document); null when
        # none ran (the ticket had a category, or semantic triage is off).
        "triage": _triage(triage),
    }


def _triage(found: dict | None) -> dict | None:
    """The stored document in today's shape: a decision taken before topics were read
    (2026-12-05) names none for its teams."""
    if not found:
        return None
    teams = [{"topic": "", **team} for team in found.get("teams", [])]
    return {**found, "teams": teams}


def decision_payload(decision: AllocationDecision) -> dict:
    return document(
        decision_id=decision.pk,
        ticket_id=decision.ticket_id,
        team_id=decision.team_id,
        team_name=decision.team_name,
        assigned_user=decision.assigned_user_email,
        scores=decision.scores,
        rationale=decision.rationale,
        confidence=decision.confidence,
        rule=decision.rule_name,
        candidates=decision.candidates,
        decided_at=decision.decided_at,
        triage=decision.triage,
    )


# What ``latest_documents`` reads of a decision: the document's fields, no model instance.
DOCUMENT_COLUMNS = (
    "id",
    "ticket_id",
    "team_id",
    "team_name",
    "assigned_user_email",
    "scores",
    "rationale",
    "confidence",
    "triage",
    "rule_name",
    "candidates",
    "decided_at",
)


def latest_documents(ticket_ids) -> dict:
    """Each ticket's latest decision as its document (``decision_payload``'s shape), keyed by
    ticket id, in one query of plain rows: for a list page, where building a model instance
    per decision was a large part of the page's CPU. Tickets never routed are absent."""
    latest = (
        AllocationDecision.objects.filter(ticket=OuterRef("ticket"))
        .order_by("-decided_at", "-id")
        .values("id")[:1]
    )
    rows = AllocationDecision.objects.filter(ticket_id__in=ticket_ids, id=Subquery(latest))
    return {
        row["ticket_id"]: document(
            decision_id=row["id"],
            ticket_id=row["ticket_id"],
            team_id=row["team_id"],
            team_name=row["team_name"],
            assigned_user=row["assigned_user_email"],
            scores=row["scores"],
            rationale=row["rationale"],
            confidence=row["confidence"],
            rule=row["rule_name"],
            candidates=row["candidates"],
            decided_at=row["decided_at"],
            triage=row["triage"],
        )
        for row in rows.order_by().values(*DOCUMENT_COLUMNS)
    }


def dry_run_payload(prepared, decided_at: datetime) -> dict:
    """``prepared`` is a routing.actions.Prepared from ``dry_run``: nothing stored."""
    decision = prepared.decision
    return document(
        decision_id=None,
        ticket_id=prepared.ticket.ticket_id,
        team_id=decision.team.team_id if decision.team else None,
        team_name=decision.team.name if decision.team else "",
        assigned_user=prepared.assigned_email,
        scores=decision.scores,
        rationale=decision.rationale,
        confidence=decision.confidence,
        rule=decision.rule.name if decision.rule else None,
        candidates=decision.candidate_documents,
        decided_at=decided_at,
        triage=decision.triage,
    )
