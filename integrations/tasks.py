"""Celery tasks: thin, idempotent wrappers over the integrations actions."""

from celery import shared_task

from integrations.actions import inbound_email, outbound
from integrations.actions.webhooks import purge_idempotency_records


@shared_task(bind=True, acks_late=True)
def deliver_outbound(self, delivery_id: str) -> str | None:
    """One attempt. With a broker, a failure schedules the next attempt at its backoff time
    (the periodic retry_due_deliveries is the safety net, and the only scheduler in eager
    mode, where a countdown would run the retry at once)."""
    delivery = outbound.attempt_delivery(delivery_id)
    if delivery is None:
        return None
    if delivery.status == delivery.Status.PENDING and not self.request.is_eager:
        self.apply_async(args=[delivery_id], eta=delivery.next_attempt_at)
    return delivery.status


@shared_task(acks_late=True)
def retry_due_deliveries() -> int:
    """Periodic: attempt every pending delivery whose backoff has passed."""
    done = 0
    for delivery_id in outbound.due_deliveries():
        done += outbound.attempt_delivery(delivery_id) is not None
    return done


@shared_task(acks_late=True)
def purge_idempotency_keys() -> int:
    """Periodic: drop Idempotency-Keys past their retention (at least 24 h)."""
    return purge_idempotency_records()


@shared_task(acks_late=True)
def poll_mailboxes() -> int:
    """Periodic: fetch new mail from every enabled mailbox."""
    return inbound_email.poll_all()
