"""The triage queue's settings: the confidence below which a ticket needs triage, and the team
(the dispatchers) that takes such tickets. Audited; every process sees them on its next
triage."""

from django.db import transaction

from core.audit import record_audit
from core.exceptions import DomainValidationError
from org.models import Team
from routing.learned_triage import settings_row
from routing.models import TriageSettings
from routing.semantic import service


@transaction.atomic
def save_queue_settings(*, actor, semantic_threshold: float, queue_team_id) -> TriageSettings:
    if not 0.0 <= semantic_threshold <= 1.0:
        raise DomainValidationError({"semantic_threshold": ["Must be between 0 and 1."]})
    if queue_team_id is not None and not Team.objects.filter(pk=queue_team_id).exists():
        raise DomainValidationError({"queue_team": ["No such team."]})
    current = settings_row(lock=True)
    before = {"semantic_threshold": current.semantic_threshold, "queue_team": current.queue_team_id}
    current.semantic_threshold = semantic_threshold
    current.queue_team_id = queue_team_id
    current.save(update_fields=["semantic_threshold", "queue_team"])
    record_audit(
        actor=actor,
        action="routing.triage_queue_changed",
        data={
            "before": {k: str(v) if v is not None else None for k, v in before.items()},
            "after": {
                "semantic_threshold": str(semantic_threshold),
                "queue_team": str(queue_team_id) if queue_team_id else None,
            },
        },
    )
    transaction.on_commit(service.changed)
    return current
