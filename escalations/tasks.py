"""Celery tasks: thin, idempotent wrappers over escalations.services (safe to run twice)."""

from celery import shared_task

from escalations import services


@shared_task(name="escalations.fire_age_rules", acks_late=True)
def fire_age_rules() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): fire the ``escalation.age_exceeded`` rules on open
    envelopes, each rule at most once per envelope. Returns how many fired."""
    return services.fire_age_rules()
