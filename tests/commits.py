"""Commits as production has them, inside a test's transaction.

A test runs in a transaction that is rolled back at its end, so nothing registered with
``transaction.on_commit`` runs by itself: not the event bus's drains, not the deliveries. In
production each action is its own transaction. ``emulate_commits`` restores that: when an
atomic block that would be a transaction of its own (the outermost one inside the test's)
returns normally, the callbacks registered so far run, in order, as after a commit; callbacks
that these register run in the same round. A block that raises runs nothing (its callbacks are
discarded, as on a rollback). Transactional tests commit for real and need none of this."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction

from core import dispatch

logger = logging.getLogger(__name__)


@contextmanager
def emulate_commits() -> Iterator[None]:
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        yield  # a transactional test: its transactions commit for real
        return
    base = len(connection.savepoint_ids)
    original_exit = transaction.Atomic.__exit__
    running = [False]

    def exit_and_commit(self, exc_type, exc_value, traceback):
        result = original_exit(self, exc_type, exc_value, traceback)
        conn = transaction.get_connection(self.using)
        at_base = conn is connection and len(conn.savepoint_ids) == base
        if exc_type is None and at_base and not running[0]:
            running[0] = True
            try:
                _run_callbacks(conn)
            finally:
                running[0] = False
        return result

    transaction.Atomic.__exit__ = exit_and_commit
    try:
        yield
    finally:
        transaction.Atomic.__exit__ = original_exit


def _run_callbacks(conn) -> None:
    while conn.run_on_commit:
        _, callback, robust = conn.run_on_commit.pop(0)
        if not robust:
            callback()
            continue
        try:
            callback()
        except Exception:
            logger.exception("An on-commit callback failed")


def created_in_one_burst(actor, titles: list[str], **fields) -> list:
    """Tickets made by ``create_ticket`` in one transaction, their delivery held (the outbox
    keeps their events), for a test to deliver as one burst. ``fields`` go to every
    NewTicket; ``requester_email`` is one per ticket."""
    from tickets.actions import creation

    with transaction.atomic():
        created = [
            creation.create_ticket(
                actor=actor,
                data=creation.NewTicket(
                    title=title, requester_email=f"ann{n}@customer.example", **fields
                ),
            )
            for n, title in enumerate(titles)
        ]
        transaction.get_connection().run_on_commit.clear()  # delivered by the test
    return created


class QueuedDeliverer:
    """The server's deliverer, busy: commits queue their streams, as in a server after the
    response, until ``deliver`` runs them. Set it as ``core.tasks.deliverer`` (the ``queued``
    fixture does) to look at what an action answered before its events were delivered."""

    running = True

    def __init__(self) -> None:
        self.streams: list[str] = []

    def submit(self, stream: str) -> None:
        self.streams.append(stream)

    def deliver(self) -> None:
        while self.streams:
            dispatch.drain(self.streams.pop(0))
