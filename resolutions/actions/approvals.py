"""Deciding an approval request: a lead of the team (tier 2) or a manager approves or rejects
it with a reason; the resolution follows, and the agent who asked is told (through the
``resolution.decided`` event, which resolutions.subscribers hands to notifications)."""

from django.db import transaction
from django.utils import timezone

from core.audit import record_audit
from core.exceptions import DomainValidationError, InvalidTransition, NotPermitted
from resolutions.actions.resolutions import MAX_TEXT, event_data
from resolutions.events import RESOLUTION_DECIDED
from resolutions.models import ApprovalRequest, ApprovalStatus, ResolutionStatus
from resolutions.selectors import may_decide
from tickets.actions.timeline import add_system_note
from tickets.events import publish_ticket_event


@transaction.atomic
def approve(*, actor, approval_id, reason: str = "") -> ApprovalRequest:
    return _decide(actor, approval_id, approved=True, reason=reason)


@transaction.atomic
def reject(*, actor, approval_id, reason: str) -> ApprovalRequest:
    if not (reason or "").strip():
        raise DomainValidationError({"reason": ["Say why the resolution is rejected."]})
    return _decide(actor, approval_id, approved=False, reason=reason)


def _decide(actor, approval_id, *, approved: bool, reason: str) -> ApprovalRequest:
    reason = (reason or "").strip()
    if len(reason) > MAX_TEXT:
        raise DomainValidationError({"reason": [f"At most {MAX_TEXT} characters."]})
    approval = (
        ApprovalRequest.objects.select_for_update(of=("self",))
        .select_related("resolution__ticket", "resolution__agent")
        .get(pk=approval_id)
    )
    target = ApprovalStatus.APPROVED if approved else ApprovalStatus.REJECTED
    if approval.status != ApprovalStatus.PENDING:
        raise InvalidTransition(approval.status, target, kind="approval request")
    if not may_decide(actor, approval):
        raise NotPermitted(
            "Only a lead of the resolution's team or a manager decides a tier-2 resolution, "
            "only a manager a tier-3 one, and never the agent who asked."
        )
    now = timezone.now()
    approval.status, approval.decided_by, approval.decided_at = target, actor, now
    approval.reason = reason
    approval.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    resolution = approval.resolution
    resolution.status = ResolutionStatus.APPROVED if approved else ResolutionStatus.REJECTED
    resolution.decided_at = now
    resolution.save(update_fields=["status", "decided_at"])
    ticket = resolution.ticket
    verb = "approved" if approved else "rejected"
    add_system_note(
        ticket_id=ticket.pk,
        actor=actor,
        content=f"Resolution {verb}{f': {reason}' if reason else '.'}",
    )
    record_audit(
        actor=actor,
        action=f"resolutions.resolution_{verb}",
        ticket=ticket,
        data={"resolution": str(resolution.pk), "approval": str(approval.pk), "reason": reason},
    )
    publish_ticket_event(
        RESOLUTION_DECIDED,
        ticket=ticket,
        actor=actor,
        decided_by=actor.pk,
        reason=reason,
        **event_data(resolution),
    )
    return approval
