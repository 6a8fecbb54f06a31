"""The AllocationDecision document of API.md, from a stored decision or from a dry run. One
shape, written once: the decisions API, the ticket API's ``allocation`` field and
``POST /api/v1/handlers/allocate`` all use these."""

from datetime import datetime

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
        "triage": triage or None,
    }


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
