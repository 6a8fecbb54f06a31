"""core.inserts: the rows one action writes at once, in one statement on PostgreSQL, in the
order added, all or none."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import inserts
from core.models import AuditLog, OutboxEvent
from tests import factories
from tickets.models import OwnerChangeRefused, Ticket, TimelineEntry

pytestmark = pytest.mark.django_db

POSTGRESQL = connection.vendor == "postgresql"


def new_ticket(**fields) -> Ticket:
    contact = factories.ContactFactory()
    return Ticket(
        reference=f"INC-2026-{Ticket.objects.count() + 900001}",
        title="T",
        requester=contact,
        **fields,
    )


def test_the_rows_of_a_block_are_written_at_its_end_in_one_statement():
    ticket = new_ticket()
    with CaptureQueriesContext(connection) as queries:
        with inserts.together():
            inserts.add(ticket)
            entry = inserts.add(TimelineEntry(ticket=ticket, type="note", content="Called back."))
            first = inserts.add(OutboxEvent(name="a", stream="s:1", data={"n": 1}))
            audit = inserts.add(AuditLog(action="ticket.created", ticket_id=ticket.pk, data={}))
            second = inserts.add(OutboxEvent(name="b", stream="s:1", data={"n": 2}))
            assert not Ticket.objects.filter(pk=ticket.pk).exists()
            assert first.pk is None  # not written yet
        written = len(queries.captured_queries)
    # The exists() above, then one statement (SQLite: each row in turn).
    assert written == (2 if POSTGRESQL else 6)
    # Ids read back, and a stream's events in the order they were added.
    assert first.pk < second.pk and audit.pk is not None
    assert [e.name for e in OutboxEvent.objects.filter(stream="s:1").order_by("id")] == ["a", "b"]
    assert TimelineEntry.objects.get(pk=entry.pk).ticket_id == ticket.pk
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.created_at is not None and stored.status == "new"
    assert not ticket._state.adding and ticket._loaded == {"owner_id": None, "status": "new"}
    # The timeline's trigger saw the ticket written by the same statement (a note: the system's
    # own lines add no words).
    if POSTGRESQL:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT internal_words IS NOT NULL FROM tickets_ticket WHERE id = %s", [ticket.pk]
            )
            assert cursor.fetchone()[0]


def test_nothing_is_written_when_the_block_raises():
    ticket = new_ticket()
    with pytest.raises(RuntimeError), inserts.together():
        inserts.add(ticket)
        inserts.add(AuditLog(action="ticket.created", ticket_id=ticket.pk, data={}))
        raise RuntimeError("changed my mind")
    assert not Ticket.objects.filter(pk=ticket.pk).exists()
    assert not AuditLog.objects.filter(ticket_id=ticket.pk).exists()


def test_outside_a_block_a_row_is_written_at_once_and_a_nested_block_joins_the_outer():
    audit = inserts.add(AuditLog(action="x.done", data={}))
    assert AuditLog.objects.filter(pk=audit.pk).exists()
    with inserts.together():
        with inserts.together():
            inner = inserts.add(AuditLog(action="x.inner", data={}))
        assert inner.pk is None  # the outer block writes it
    assert AuditLog.objects.filter(pk=inner.pk, action="x.inner").exists()


def test_a_models_save_checks_run_when_the_row_is_added():
    owner = factories.AgentFactory()
    with pytest.raises(OwnerChangeRefused), inserts.together():
        inserts.add(new_ticket(owner=owner))


def test_insert_many_writes_the_rows_as_bulk_create_would(monkeypatch):
    """One statement per MAX_PARAMS values, ids read back in order, JSON and texts intact (a
    quote, a brace, a backslash, NULL as a word), a UUID key given when missing."""
    from routing.models import AllocationDecision

    monkeypatch.setattr(inserts, "MAX_PARAMS", 7 * 3)  # AuditLog has 7 columns: 3 rows each
    texts = ['say "hi"', "{a,b}", "back\\slash", "NULL", ""]
    rows = [AuditLog(action=f"a.{n}", data={"text": text, "n": n}) for n, text in enumerate(texts)]
    with CaptureQueriesContext(connection) as queries:
        assert inserts.insert_many(iter(rows)) == rows
    assert len(queries.captured_queries) == (2 if POSTGRESQL else 1)
    ids = [row.pk for row in rows]
    assert ids == sorted(ids) and not any(row._state.adding for row in rows)
    stored = AuditLog.objects.filter(pk__in=ids).order_by("pk")
    assert [(row.action, row.data) for row in stored] == [
        (f"a.{n}", {"text": text, "n": n}) for n, text in enumerate(texts)
    ]
    assert stored[0].at is not None  # auto_now_add filled as for bulk_create
    decision = AllocationDecision(
        ticket=factories.TicketFactory(), event="ticket.created", method="scoring", scores={}
    )
    decision.pk = None
    inserts.insert_many([decision])
    assert AllocationDecision.objects.filter(pk=decision.pk).exists()
    assert inserts.insert_many([]) == []


@pytest.mark.skipif(not POSTGRESQL, reason="numbered placeholders are PostgreSQL's")
def test_numbered_statements_are_logged_and_counted_as_they_were_sent():
    from core import numbered

    with CaptureQueriesContext(connection) as queries, numbered.cursor(connection) as cursor:
        cursor.execute("SELECT $1::int + $2::int, $3::text", [2, 3, "100%"])
        assert cursor.fetchone() == (5, "100%")
    assert [q["sql"] for q in queries.captured_queries] == ["SELECT $1::int + $2::int, $3::text"]
    assert numbered.placeholders(3, start=4) == ["$4", "$5", "$6"]


def test_bulk_set_writes_each_rows_own_values():
    from core.bulk import bulk_set

    tickets = [factories.TicketFactory(title=f"before {n}") for n in range(3)]
    for n, ticket in enumerate(tickets):
        ticket.title, ticket.category = f'after "{n}"', f"cat-{n}"
    bulk_set(Ticket, tickets[:2], ["title", "category"])
    rows = Ticket.objects.filter(pk__in=[t.pk for t in tickets])
    stored = {t.pk: (t.title, t.category) for t in rows}
    assert stored[tickets[0].pk] == ('after "0"', "cat-0")
    assert stored[tickets[1].pk] == ('after "1"', "cat-1")
    assert stored[tickets[2].pk][0] == "before 2"
