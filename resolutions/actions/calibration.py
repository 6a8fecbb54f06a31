"""The weekly calibration queue and its reviews. Generating a week twice adds nothing the
first run made (the sample too stays as first drawn); a review is recorded once."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import record_audit
from core.exceptions import DomainValidationError, InvalidTransition, NotPermitted
from core.roles import is_manager_or_admin
from resolutions.actions.resolutions import MAX_TEXT
from resolutions.calibration import candidates
from resolutions.models import CalibrationItem, CalibrationReason, Outcome, ReviewStatus
from resolutions.money import check_amount
from resolutions.periods import Week


@dataclass(frozen=True)
class Generated:
    period: str
    created: int
    total: int


@transaction.atomic
def generate_queue(*, actor, week: Week, sample_size: int | None = None) -> Generated:
    """Add the week's missing items (resolutions.calibration says which). Safe to run again
    and concurrently: the unique constraints turn a second insert into nothing."""
    size = settings.CALIBRATION_SAMPLE_SIZE if sample_size is None else sample_size
    if size < 0:
        raise DomainValidationError({"sample_size": ["The sample size cannot be negative."]})
    period = str(week)
    existing = CalibrationItem.objects.filter(period=period)
    sampled = existing.filter(reason=CalibrationReason.RANDOM_SAMPLE).exists()
    have = set(existing.values_list("ticket_id", "resolution_id"))
    have_resolutions = {resolution for _, resolution in have if resolution is not None}
    new = [
        CalibrationItem(
            period=period,
            reason=c.reason,
            ticket_id=c.ticket_id,
            resolution_id=c.resolution_id,
        )
        for c in candidates(week, sample_size=size, sample=not sampled)
        if (c.ticket_id, c.resolution_id) not in have and c.resolution_id not in have_resolutions
    ]
    CalibrationItem.objects.bulk_create(new, ignore_conflicts=True)
    total = existing.count()
    record_audit(
        actor=actor,
        action="resolutions.calibration_generated",
        data={"period": period, "created": len(new), "total": total, "sample_size": size},
    )
    return Generated(period, len(new), total)


@dataclass(frozen=True)
class Review:
    outcome: str
    notes: str = ""
    revised_amount: Decimal | None = None


@transaction.atomic
def review_item(*, actor, item_id, review: Review) -> CalibrationItem:
    """A manager's verdict on one item: upheld, revised (with the revised amount, in the
    resolution's currency) or coaching_needed, with notes. Once."""
    if not is_manager_or_admin(actor):
        raise NotPermitted("Only managers review calibration items.")
    item = (
        CalibrationItem.objects.select_for_update(of=("self",))
        .select_related("resolution")
        .get(pk=item_id)
    )
    if item.review_status == ReviewStatus.REVIEWED:
        raise InvalidTransition(item.review_status, ReviewStatus.REVIEWED, kind="calibration item")
    item.revised_amount = _checked(item, review)
    item.outcome, item.notes = review.outcome, review.notes.strip()
    item.review_status, item.reviewed_by, item.reviewed_at = (
        ReviewStatus.REVIEWED,
        actor,
        timezone.now(),
    )
    item.save()
    record_audit(
        actor=actor,
        action="resolutions.calibration_reviewed",
        ticket=item.ticket_id,
        data={
            "item": str(item.pk),
            "period": item.period,
            "outcome": item.outcome,
            "revised_amount": None if item.revised_amount is None else str(item.revised_amount),
        },
    )
    return item


def _checked(item: CalibrationItem, review: Review) -> Decimal | None:
    errors: dict[str, list[str]] = {}
    if review.outcome not in Outcome.values:
        errors["outcome"] = [f"Choose one of: {', '.join(Outcome.values)}."]
    if len(review.notes) > MAX_TEXT:
        errors["notes"] = [f"At most {MAX_TEXT} characters."]
    amount = None
    if review.outcome == Outcome.REVISED:
        if item.resolution is None:
            errors["outcome"] = [
                "This case has no resolution to revise; uphold it or ask for coaching."
            ]
        elif review.revised_amount is None:
            errors["revised_amount"] = ["A revised outcome needs the revised amount."]
        else:
            try:
                amount = check_amount(review.revised_amount, item.resolution.currency)
            except ValidationError as error:
                errors["revised_amount"] = error.messages
    elif review.revised_amount is not None:
        errors["revised_amount"] = ["Only a revised outcome carries a revised amount."]
    if errors:
        raise DomainValidationError(errors)
    return amount
