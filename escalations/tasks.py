"""Celery tasks: thin, idempotent wrappers over the escalations actions (safe to run twice)."""

from celery import shared_task

from escalations.actions import age_rules


@shared_task(name="escalations.fire_age_rules", acks_late=True)
def fire_age_rules() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): fire the ``escalation.age_exceeded`` rules on open
    envelopes, each rule at most once per envelope. Returns how many fired."""
    return age_rules.fire_age_rules()
