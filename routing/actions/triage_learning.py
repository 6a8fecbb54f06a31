"""Learning from tickets: a resolved ticket teaches the team that resolved it, a transferred one
(a dispatcher's choice included) the team it moved to. Each ticket teaches once: its vector
is added to its team's learned sum, and when it teaches again (moved on, resolved elsewhere)
it is taken out of the earlier team's first. No retraining: the centroids move with each
ticket, in the same transaction as the lesson."""

import numpy as np
from django.db import transaction

from routing.actions.triage_profiles import embed_team
from routing.models import TriageLesson, TriageVector
from routing.semantic import service
from routing.semantic.providers import get_provider
from routing.semantic.vectors import from_bytes, to_bytes
from tickets.models import Ticket


@transaction.atomic
def learn_from_ticket(*, ticket_id, reason: str) -> TriageLesson | None:
    """The ticket teaches its current team (None: no such ticket, or it has no team)."""
    row = Ticket.objects.filter(pk=ticket_id).values("team_id", "title", "description").first()
    if row is None or row["team_id"] is None:
        return None
    provider = get_provider()
    lesson = TriageLesson.objects.select_for_update().filter(ticket_id=ticket_id).first()
    vector = service.ticket_vector(row["title"], row["description"], provider)
    if lesson is not None and lesson.provider == provider.name:
        if lesson.team_id == row["team_id"]:
            return lesson  # taught this team already
        _add(lesson.team_id, provider, -from_bytes(lesson.vector, provider.dim), -1)
    lesson = lesson or TriageLesson(ticket_id=ticket_id)
    lesson.team_id, lesson.provider, lesson.reason = row["team_id"], provider.name, reason
    lesson.vector = to_bytes(vector)
    lesson.save()
    _add(row["team_id"], provider, vector, 1)
    transaction.on_commit(lambda: service.changed(learned=True))
    return lesson


def _add(team_id, provider, vector: np.ndarray, count: int) -> None:
    """Add a vector to (count -1: take it out of) the team's learned sum, under a row lock."""
    row = (
        TriageVector.objects.select_for_update()
        .filter(kind=TriageVector.Kind.TEAM, team_id=team_id, provider=provider.name)
        .first()
    )
    if row is None:
        row = embed_team(team_id=team_id)
        if row is None:
            return
    total = from_bytes(row.learned_sum, provider.dim) if row.learned_sum else np.zeros(provider.dim)
    row.learned_count = max(row.learned_count + count, 0)
    row.learned_sum = to_bytes(total + vector) if row.learned_count else None
    row.save(update_fields=["learned_sum", "learned_count", "updated_at"])


REEMBED_BATCH = 200


def reembed_lessons() -> int:
    """Lessons recorded under another provider, embedded again under the configured one from
    their tickets' text, and each team's learned sum rebuilt from its lessons (after a provider
    change: ``manage.py triage_embed``). One transaction per batch; returns how many moved."""
    provider = get_provider()
    moved = 0
    while True:
        with transaction.atomic():
            batch = list(
                TriageLesson.objects.select_for_update()
                .exclude(provider=provider.name)
                .select_related("ticket")
                .only("pk", "team_id", "provider", "ticket__title", "ticket__description")
                .order_by("pk")[:REEMBED_BATCH]
            )
            if not batch:
                break
            for lesson in batch:
                vector = service.ticket_vector(
                    lesson.ticket.title, lesson.ticket.description, provider
                )
                lesson.provider, lesson.vector = provider.name, to_bytes(vector)
            TriageLesson.objects.bulk_update(batch, ["provider", "vector"])
            moved += len(batch)
    if moved:
        _rebuild_sums(provider)
    return moved


@transaction.atomic
def _rebuild_sums(provider) -> None:
    """Every team's learned sum and count under ``provider``, from its lessons."""
    sums: dict = {}
    lessons = TriageLesson.objects.filter(provider=provider.name).values_list("team_id", "vector")
    for team_id, blob in lessons.iterator():
        total, count = sums.get(team_id, (np.zeros(provider.dim), 0))
        sums[team_id] = (total + from_bytes(blob, provider.dim), count + 1)
    for team_id, (total, count) in sums.items():
        row = (
            TriageVector.objects.select_for_update()
            .filter(kind=TriageVector.Kind.TEAM, team_id=team_id, provider=provider.name)
            .first()
        ) or embed_team(team_id=team_id)
        if row is not None:
            row.learned_sum, row.learned_count = to_bytes(total), count
            row.save(update_fields=["learned_sum", "learned_count", "updated_at"])
    transaction.on_commit(lambda: service.changed(learned=True))
