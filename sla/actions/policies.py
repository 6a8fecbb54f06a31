"""SLA policies and business calendars, from the admin and the API: each change audited, and
every running clock recomputed after it commits (sla.tasks.recompute_open_clocks)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import record_audit
from core.background import after_commit
from core.exceptions import DomainValidationError
from sla import tasks
from sla.models import BusinessCalendar, SLAPolicy


@transaction.atomic
def save_policy(*, actor, policy: SLAPolicy) -> SLAPolicy:
    """Create or change a policy (admin and API); open clocks are recomputed after commit."""
    try:
        # The one-default constraint is kept below by demoting the previous default.
        policy.full_clean(validate_constraints=False)
    except ValidationError as error:
        raise DomainValidationError(error.message_dict) from error
    was_default = policy.pk is not None and (
        SLAPolicy.objects.filter(pk=policy.pk, is_default=True).exists()
    )
    if was_default and not policy.is_default:
        raise DomainValidationError({"is_default": ["Make another policy the default instead."]})
    if policy.is_default:
        SLAPolicy.objects.filter(is_default=True).exclude(pk=policy.pk).update(is_default=False)
    created = policy.pk is None
    policy.save()
    record_audit(
        actor=actor,
        action="sla.policy_created" if created else "sla.policy_changed",
        data={"policy": policy.pk, "name": policy.name},
    )
    _recompute_after_commit()
    return policy


@transaction.atomic
def calendar_changed(*, actor, calendar: BusinessCalendar) -> None:
    """Hours, holidays or zone of a calendar changed: touch it, audit, recompute."""
    BusinessCalendar.objects.filter(pk=calendar.pk).update(updated_at=timezone.now())
    record_audit(actor=actor, action="sla.calendar_changed", data={"calendar": calendar.slug})
    _recompute_after_commit()


def _recompute_after_commit() -> None:
    after_commit(tasks.recompute_open_clocks)
