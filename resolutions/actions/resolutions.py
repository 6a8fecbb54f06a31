"""Making a resolution: the tier comes from the amount and the owner's team's limits (never
from the caller); tier 1 is approved at once, tiers 2 and 3 wait on an approval request."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import record_audit
from core.exceptions import DomainValidationError, NotPermitted
from core.roles import is_manager_or_admin
from resolutions import tiers
from resolutions.events import RESOLUTION_CREATED
from resolutions.models import (
    ApprovalRequest,
    Resolution,
    ResolutionStatus,
    ResolutionType,
    WhatWentWrong,
    WhyEligible,
)
from resolutions.money import check_amount, display, validate_currency
from resolutions.selectors import deciding_limits
from tickets.actions.timeline import add_system_note
from tickets.events import publish_ticket_event
from tickets.selectors import lock_ticket

MAX_TEXT = 2000


@dataclass(frozen=True)
class NewResolution:
    what_went_wrong: str
    why_eligible: str
    type: str
    amount: Decimal
    currency: str = ""  # blank: the team's currency
    what_went_wrong_text: str = ""
    why_eligible_text: str = ""


@transaction.atomic
def create_resolution(*, actor, ticket_id, data: NewResolution) -> Resolution:
    """The ticket's owner (or a manager) records what the requester is given. Audited, on the
    ticket's internal timeline, and announced (``resolution.created``)."""
    ticket = lock_ticket(ticket_id)
    if ticket.owner_id is None:
        raise DomainValidationError(
            {"non_field_errors": ["Accept the ticket first: a resolution needs an owner."]}
        )
    if actor.pk != ticket.owner_id and not is_manager_or_admin(actor):
        raise NotPermitted("Only the ticket's owner or a manager records a resolution.")
    team_id, limits = deciding_limits(ticket)
    currency, amount = _checked(data, limits)
    tier = tiers.tier_for(amount, limits)
    now = timezone.now()
    resolution = Resolution.objects.create(
        ticket=ticket,
        agent=actor,
        team_id=team_id,
        what_went_wrong=data.what_went_wrong,
        what_went_wrong_text=data.what_went_wrong_text.strip(),
        why_eligible=data.why_eligible,
        why_eligible_text=data.why_eligible_text.strip(),
        type=data.type,
        amount=amount,
        currency=currency,
        tier=tier,
        status=ResolutionStatus.APPROVED
        if tier == tiers.AGENT
        else ResolutionStatus.PENDING_APPROVAL,
        decided_at=now if tier == tiers.AGENT else None,
    )
    if tier != tiers.AGENT:
        ApprovalRequest.objects.create(
            resolution=resolution, tier=tier, team_id=team_id, requested_by=actor
        )
    _record(actor, ticket, resolution)
    return resolution


def _checked(data: NewResolution, limits: tiers.Limits) -> tuple[str, Decimal]:
    """Every field's message at once; nothing is written when one is wrong."""
    errors: dict[str, list[str]] = {}
    for name, choices in (
        ("what_went_wrong", WhatWentWrong),
        ("why_eligible", WhyEligible),
        ("type", ResolutionType),
    ):
        if getattr(data, name) not in choices.values:
            errors[name] = [f"Choose one of: {', '.join(choices.values)}."]
    for name, choice in (
        ("what_went_wrong", data.what_went_wrong),
        ("why_eligible", data.why_eligible),
    ):
        text = getattr(data, f"{name}_text").strip()
        if len(text) > MAX_TEXT:
            errors[f"{name}_text"] = [f"At most {MAX_TEXT} characters."]
        elif choice == "other" and not text:
            errors[f"{name}_text"] = ["Say what it was: 'other' needs a few words."]
    currency = (data.currency or limits.currency or "").upper()
    amount = Decimal(0)
    try:
        if not currency:
            raise ValidationError("Give the currency (an ISO 4217 code such as EUR).")
        validate_currency(currency)
        if limits.currency is not None and currency != limits.currency:
            raise ValidationError(
                f"This team's limits are in {limits.currency}; "
                f"give the amount in {limits.currency}."
            )
    except ValidationError as error:
        errors["currency"] = error.messages
    else:
        try:
            amount = check_amount(data.amount, currency)
        except ValidationError as error:
            errors["amount"] = error.messages
    if errors:
        raise DomainValidationError(errors)
    return currency, amount


def _record(actor, ticket, resolution: Resolution) -> None:
    money = f"{display(resolution.amount, resolution.currency)} {resolution.currency}"
    waiting = {
        tiers.AGENT: "within the agent's own limit",
        tiers.TEAM_LEAD: "waiting for a team lead's approval",
        tiers.MANAGER: "waiting for a manager's decision",
    }[resolution.tier]
    add_system_note(
        ticket_id=ticket.pk,
        actor=actor,
        content=f"Resolution recorded: {resolution.get_type_display()} of {money}, {waiting}.",
    )
    record_audit(
        actor=actor,
        action="resolutions.resolution_created",
        ticket=ticket,
        data={
            "resolution": str(resolution.pk),
            "type": resolution.type,
            "amount": str(resolution.amount),
            "currency": resolution.currency,
            "tier": resolution.tier,
            "team": str(resolution.team_id) if resolution.team_id else None,
        },
    )
    publish_ticket_event(RESOLUTION_CREATED, ticket=ticket, actor=actor, **event_data(resolution))


def event_data(resolution: Resolution) -> dict:
    return {
        "resolution": str(resolution.pk),
        "tier": resolution.tier,
        "status": resolution.status,
        "agent": resolution.agent_id,
        "team": str(resolution.team_id) if resolution.team_id else None,
        "amount": str(resolution.amount),
        "currency": resolution.currency,
    }
