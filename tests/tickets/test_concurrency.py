"""Real threads, real connections, committed transactions: on PostgreSQL the row locks decide,
on SQLite the IMMEDIATE transactions queue on the database's write lock."""

import threading
from collections import Counter

import pytest
from django.db import connection

from core.exceptions import OwnershipLocked
from tests import factories
from tickets.actions import creation, ownership
from tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


def run_together(target, how_many: int) -> list:
    """Start `how_many` threads at the same instant; return what each returned or raised."""
    barrier = threading.Barrier(how_many)
    results: list = [None] * how_many

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = target(index)
        except Exception as error:  # collected and asserted on by the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(how_many)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    return results


def test_concurrent_accepts_have_exactly_one_winner():
    team = factories.TeamFactory()
    agents = [factories.AgentFactory(teams=[team]) for _ in range(THREADS)]
    ticket = factories.TicketFactory(team=team)

    results = run_together(
        lambda i: ownership.accept_ticket(ticket_id=ticket.pk, actor=agents[i]), THREADS
    )

    outcomes = Counter(type(result).__name__ for result in results)
    assert outcomes == {"Ticket": 1, "OwnershipLocked": THREADS - 1}, results
    winner = next(result for result in results if isinstance(result, Ticket))
    ticket.refresh_from_db()
    assert ticket.owner == winner.owner
    assert ticket.timeline.filter(content__startswith="Accepted by").count() == 1
    assert all(isinstance(r, (Ticket, OwnershipLocked)) for r in results)


def test_concurrent_creation_never_duplicates_a_reference():
    actor = factories.ManagerFactory()
    per_thread = 5

    def create_several(index: int) -> list[str]:
        return [
            creation.create_ticket(
                actor=actor,
                data=creation.NewTicket(
                    title=f"t{index}-{n}", requester_email=f"r{index}@example.com"
                ),
            ).reference
            for n in range(per_thread)
        ]

    results = run_together(create_several, THREADS)

    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    references = [ref for refs in results for ref in refs]
    assert len(references) == THREADS * per_thread
    assert len(set(references)) == len(references)
    assert Ticket.objects.count() == THREADS * per_thread
