"""The event bus: a transactional outbox.

An action records what happened with ``publish(name, stream=..., data=...)`` inside its own
transaction. The event is a row (core.OutboxEvent) written with the change, so it exists
exactly when the change does: a change that rolls back leaves no event, and a process that
dies after the commit leaves the event to be delivered by the next drain of its stream (the
periodic ``core.drain_due`` finds it). After the commit the stream is drained (core.dispatch):
each subscriber (core.subscriptions) handles each event, and the events of one stream (one
ticket) reach every subscriber in the order they happened.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from core import dispatch, inserts, tasks
from core.models import OutboxEvent


def publish(name: str, *, stream: str, data: dict) -> None:
    """Record an event in the current transaction; its stream is drained after the commit."""
    # Now, or with the rows of an inserts.together() block (a ticket's creation).
    inserts.add(
        OutboxEvent(name=name, stream=stream, data=_json_safe(data), occurred_at=timezone.now())
    )
    _drain_after_commit(stream)


def publish_many(events: list[tuple[str, str, dict]]) -> None:
    """Record several events, each ``(name, stream, data)``, in one statement."""
    if not events:
        return
    now = timezone.now()
    inserts.insert_many(
        OutboxEvent(name=name, stream=stream, data=_json_safe(data), occurred_at=now)
        for name, stream, data in events
    )
    for stream in dict.fromkeys(stream for _, stream, _ in events):
        _drain_after_commit(stream)


def _json_safe(data: dict) -> dict:
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


class _DrainAfterCommit:
    """The after-commit callback of one stream: registered once per stream and transaction,
    however many events the transaction records on it."""

    def __init__(self, stream: str) -> None:
        self.stream = stream

    def __call__(self) -> None:
        tasks.schedule_drain(self.stream)


def _drain_after_commit(stream: str) -> None:
    if dispatch.is_draining(stream):
        return  # the drain running here picks the new event up before it commits
    pending = transaction.get_connection().run_on_commit
    if any(isinstance(cb, _DrainAfterCommit) and cb.stream == stream for _, cb, *_ in pending):
        return
    transaction.on_commit(_DrainAfterCommit(stream), robust=True)
