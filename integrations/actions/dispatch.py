"""Starting deliveries: after a routing decision commits, each enabled endpoint whose plugin
applies gets one OutboundDelivery (unique per decision and endpoint, so dispatching twice is
harmless), attempted by the ``deliver_outbound`` task after the commit; dead letters go back in
the queue from the admin. Sending, retries and dead-lettering: integrations.actions.outbound."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import record_audit
from core.background import after_commit
from integrations.actions.outbound import ticket_facts
from integrations.models import HandlerEndpoint, OutboundDelivery
from integrations.plugins import get_handler
from integrations.tasks import deliver_outbound
from routing.models import AllocationDecision


@transaction.atomic
def dispatch_decision(decision_id) -> list[str]:
    """Create the deliveries of one decision and queue their first attempt after commit.
    Returns the delivery ids (existing ones too: calling twice creates nothing new)."""
    decision = AllocationDecision.objects.select_related("ticket").filter(pk=decision_id).first()
    if decision is None:
        return []
    facts = ticket_facts(decision.ticket)
    ids = []
    for endpoint in HandlerEndpoint.objects.filter(enabled=True):
        plugin = get_handler(endpoint.handler)
        if plugin is None or not plugin.applies_to(ticket=facts):
            continue
        if endpoint.sources and facts.source not in endpoint.sources:
            continue
        try:
            with transaction.atomic():
                delivery = OutboundDelivery.objects.create(decision=decision, endpoint=endpoint)
        except IntegrityError:
            delivery = OutboundDelivery.objects.get(decision=decision, endpoint=endpoint)
            ids.append(str(delivery.pk))
            continue
        ids.append(str(delivery.pk))
        after_commit(deliver_outbound, str(delivery.pk))
    return ids


@transaction.atomic
def retry_dead_letters(*, delivery_ids, actor) -> int:
    """Admin action: put dead letters back in the queue for a fresh round of attempts."""
    rows = list(
        OutboundDelivery.objects.select_for_update()
        .select_related("decision__ticket")
        .filter(pk__in=list(delivery_ids), status=OutboundDelivery.Status.DEAD)
    )
    for delivery in rows:
        delivery.status = OutboundDelivery.Status.PENDING
        delivery.attempts = 0
        delivery.next_attempt_at = timezone.now()
        delivery.leased_until = None
        delivery.save()
        record_audit(
            actor=actor,
            action="integration.retry",
            ticket=delivery.decision.ticket,
            data={"delivery": str(delivery.pk)},
        )
        after_commit(deliver_outbound, str(delivery.pk))
    return len(rows)
