"""Ticket search (tickets.search): the same answers on SQLite (substrings) and PostgreSQL
(tsvector and trigram indexes kept by the database), and what only PostgreSQL does: stems,
stop words, ranking, and the timeline's words kept on the ticket by a trigger."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tickets.actions import journal, timeline, updates
from tickets.models import Ticket, TimelineEntry
from tickets.search import RANK, search_tickets

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="tsvector, stemming and ranking are PostgreSQL's; SQLite matches substrings",
)


def found(text: str, *, internal: bool = True) -> set[str]:
    return set(
        search_tickets(Ticket.objects.all(), text, internal=internal).values_list(
            "reference", flat=True
        )
    )


def make(reference: str, title: str = "Something", description: str = "", **kwargs) -> Ticket:
    return factories.TicketFactory(
        reference=reference, title=title, description=description, **kwargs
    )


@pytest.fixture
def desk():
    # Named requesters: a random name may hold a searched word as a fragment ("the" in
    # "Matthew"), which changes how a search is planned (the staff document test below).
    printer = make(
        "INC-2026-000023",
        "Printer jam on floor 3",
        "Paper stuck in tray two",
        requester=factories.ContactFactory(name="Ola Berg"),
    )
    vpn = make(
        "REQ-2026-000150",
        "VPN access",
        "Please grant tunnel access for the audit",
        requester=factories.ContactFactory(name="Ines Ruiz"),
    )
    contact = factories.ContactFactory(name="Marta Lindqvist", email="m.lindqvist@acme.example")
    laptop = make("INC-2026-000777", "Laptop broken", "Screen flickers", requester=contact)
    return {"printer": printer, "vpn": vpn, "laptop": laptop}


def test_words_of_the_title_and_description_are_found(desk):
    assert found("printer") == {"INC-2026-000023"}
    assert found("tunnel") == {"REQ-2026-000150"}


def test_every_word_must_match_somewhere(desk):
    assert found("printer tray") == {"INC-2026-000023"}
    assert found("printer tunnel") == set()


def test_reference_fragments_and_whole_references_are_found(desk):
    assert found("000023") == {"INC-2026-000023"}
    assert found("INC-2026-000023") == {"INC-2026-000023"}
    assert found("2026-000150") == {"REQ-2026-000150"}


def test_requesters_are_found_by_part_of_their_name_or_e_mail(desk):
    assert found("lindqvist") == {"INC-2026-000777"}
    assert found("m.lindqvist@acme.example") == {"INC-2026-000777"}
    assert found("acme.example") == {"INC-2026-000777"}


def test_timeline_words_count_by_who_may_see_them(desk, agent):
    ticket = desk["vpn"]
    factories.TimelineEntryFactory(ticket=ticket, visibility="public", content="Rebooted modem")
    factories.TimelineEntryFactory(ticket=ticket, visibility="internal", content="Firewall rule")
    factories.TimelineEntryFactory(ticket=ticket, visibility="envelope_only", content="Kerberos")

    assert found("modem", internal=False) == {"REQ-2026-000150"}
    assert found("firewall", internal=False) == set()
    assert found("firewall", internal=True) == {"REQ-2026-000150"}
    assert found("kerberos", internal=True) == set()


def test_words_follow_edits_of_the_ticket_and_of_its_timeline(desk, agent, manager):
    ticket = desk["vpn"]
    updates.update_ticket(ticket_id=ticket.pk, actor=manager, changes={"title": "Wifi dropped"})
    entry = timeline.add_timeline_entry(
        ticket_id=ticket.pk,
        actor=agent,
        type="note",
        visibility="public",
        content="Swapped antenna",
    )
    assert found("wifi") == {"REQ-2026-000150"} and found("vpn") == set()
    assert found("antenna", internal=False) == {"REQ-2026-000150"}

    TimelineEntry.objects.filter(pk=entry.pk).update(visibility="internal")
    assert found("antenna", internal=False) == set()
    assert found("antenna", internal=True) == {"REQ-2026-000150"}
    TimelineEntry.objects.filter(pk=entry.pk).delete()
    assert found("antenna", internal=True) == set()


def test_the_system_s_own_lines_are_not_searched(desk, agent):
    """Routing, SLA and the other actions write lines like "Routed to Kerberos": the team
    filter finds those tickets; the search finds what people wrote."""
    ticket = desk["vpn"]
    journal.record_system_entry(ticket=ticket, content="Routed to Kerberos by rule Zephyr")
    assert found("kerberos") == set() and found("zephyr") == set()

    timeline.add_timeline_entry(
        ticket_id=ticket.pk, actor=agent, type="note", visibility="internal", content="Kerberos"
    )
    assert found("kerberos") == {"REQ-2026-000150"}


@postgres_only
def test_a_system_line_leaves_the_ticket_row_as_it_is(desk, agent):
    """Its words are not kept, so the trigger writes no new version of the ticket row (the
    row's ctid stays); a note's words are, and it does."""
    ticket = desk["vpn"]

    def row_version() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT ctid::text FROM tickets_ticket WHERE id = %s", [ticket.pk])
            return cursor.fetchone()[0]

    before = row_version()
    journal.record_system_entries(entries=[(ticket, "SLA clock started"), (ticket, "Routed")])
    assert row_version() == before
    factories.TimelineEntryFactory(ticket=ticket, visibility="internal", content="Firewall")
    assert row_version() != before


@postgres_only
def test_recomputed_words_leave_the_system_s_lines_out(desk, agent):
    """``tickets_refresh_words()`` (the migrations' backfill, and after bulk loads): a ticket
    whose words held a system line's, from before migration search_words_people_wrote, keeps
    only what people wrote; one with system lines only keeps none."""
    vpn, printer = desk["vpn"], desk["printer"]
    journal.record_system_entry(ticket=vpn, content="Routed to Kerberos")
    journal.record_system_entry(ticket=printer, content="Routed to Kerberos")
    factories.TimelineEntryFactory(ticket=vpn, visibility="internal", content="Firewall")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tickets_ticket SET internal_words = to_tsvector('english', 'routed kerberos')"
            " WHERE id IN (%s, %s)",
            [vpn.pk, printer.pk],
        )
        assert found("kerberos") == {"REQ-2026-000150", "INC-2026-000023"}
        cursor.execute("SELECT tickets_refresh_words()")
    assert found("kerberos") == set()
    assert found("firewall") == {"REQ-2026-000150"}


def test_no_words_leaves_the_tickets_as_they_are(desk):
    assert search_tickets(Ticket.objects.all(), "   ", internal=True).count() == 3


@postgres_only
def test_words_match_by_stem_and_stop_words_constrain_nothing(desk):
    assert found("printers jammed") == {"INC-2026-000023"}
    assert found("the printer") == {"INC-2026-000023"}


@postgres_only
def test_results_carry_a_rank_title_words_first(desk):
    make("INC-2026-000024", "Toner low", "The printer in room 4 needs toner")
    ranked = list(
        search_tickets(Ticket.objects.all(), "printer", internal=True)
        .order_by(f"-{RANK}")
        .values_list("reference", flat=True)
    )
    assert ranked == ["INC-2026-000023", "INC-2026-000024"]


@postgres_only
def test_tsquery_syntax_in_the_text_is_just_text(desk):
    assert found("printer & | ! :* (") == {"INC-2026-000023"}
    assert found("printer 100% o'brien %s") == set()


@postgres_only
def test_too_many_matches_to_rank_keep_the_list_order(desk, monkeypatch):
    monkeypatch.setattr("tickets.search.RANKED_UP_TO", 1)
    make("INC-2026-000024", "Toner low", "The printer in room 4 needs toner")
    results = search_tickets(Ticket.objects.all(), "printer", internal=True)
    assert RANK not in results.query.annotations
    assert results.count() == 2
    assert RANK in search_tickets(Ticket.objects.all(), "tray", internal=True).query.annotations


def test_the_words_of_a_search_may_each_be_in_another_place(desk, agent):
    ticket = desk["printer"]
    factories.TimelineEntryFactory(ticket=ticket, visibility="public", content="Rebooted modem")
    factories.TimelineEntryFactory(ticket=ticket, visibility="internal", content="Firewall rule")

    assert found("printer modem", internal=False) == {"INC-2026-000023"}
    assert found("tray modem firewall", internal=True) == {"INC-2026-000023"}
    assert found("tray firewall", internal=False) == set()
    assert found("modem tunnel") == set()


def test_a_word_may_match_as_a_fragment_and_the_others_as_words(desk):
    assert found("lindqvist screen") == {"INC-2026-000777"}
    assert found("screen acme.example") == {"INC-2026-000777"}
    assert found("lindqvist 000777") == {"INC-2026-000777"}
    assert found("lindqvist printer") == set()
    assert found("000023 tray") == {"INC-2026-000023"}
    assert found("000023 screen") == set()


@postgres_only
def test_stop_words_alone_constrain_nothing(desk):
    assert found("the of") == {"INC-2026-000023", "REQ-2026-000150", "INC-2026-000777"}
    assert found("the printer of") == {"INC-2026-000023"}


@postgres_only
def test_several_words_rank_only_when_the_results_are_few(desk, monkeypatch):
    monkeypatch.setattr("tickets.search.RANKED_UP_TO", 1)
    make("INC-2026-000024", "Printer tray loose", "")
    # Both hold both words: the tickets holding every word settle it.
    assert (
        RANK
        not in search_tickets(Ticket.objects.all(), "printer tray", internal=True).query.annotations
    )
    # One holds both words, the other one word and its requester's name: counted in full.
    make("INC-2026-000025", "Screen broken", "Reported by Lindqvist")
    results = search_tickets(Ticket.objects.all(), "screen lindqvist", internal=True)
    assert RANK not in results.query.annotations
    assert {t.reference for t in results} == {"INC-2026-000025", "INC-2026-000777"}
    ranked = search_tickets(Ticket.objects.all(), "screen flickers", internal=True)
    assert RANK in ranked.query.annotations


@postgres_only
def test_the_rank_decision_of_several_words_scans_the_staff_words_index(desk):
    """tickets.search writes the document as migration search_words indexes it: the words of a
    search together are one condition on that index (the plan names it), not one per word."""
    with CaptureQueriesContext(connection) as queries:
        search_tickets(Ticket.objects.all(), "printer tray", internal=True)
    (decision,) = [query["sql"] for query in queries.captured_queries]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a table of three rows: force indexes
        cursor.execute(f"EXPLAIN {decision}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "ticket_staff_words_gin" in plan
    assert "''printer'' & ''tray''" in plan  # both words in the one index condition


# The staff document's expression, as tickets.search.StaffDocument writes it.
DOCUMENT = '|| COALESCE("tickets_ticket"."public_words"'


def ranked_ids(text: str) -> list:
    results = search_tickets(Ticket.objects.all(), text, internal=True)
    assert RANK in results.query.annotations
    return list(
        results.order_by(f"-{RANK}", "-priority_score", "created_at", "id").values_list(
            "pk", flat=True
        )
    )


@postgres_only
@pytest.mark.parametrize(
    ("text", "from_document"),
    [
        ("tray modem", True),  # the words in two columns: both in the document
        ("printer tray", True),
        ("the tray", True),  # a stop word beside a word
        ("lindqvist screen", False),  # a requester's name: a fragment may match
        ("000023 tray", False),  # a digit: a reference's part may match
    ],
)
def test_ranked_words_are_found_from_the_staff_document_where_no_word_is_a_fragment(
    desk, text, from_document
):
    ticket = desk["printer"]
    factories.TimelineEntryFactory(ticket=ticket, visibility="internal", content="Rebooted modem")
    with CaptureQueriesContext(connection) as queries:
        found_ids = ranked_ids(text)
    _decision, page = [query["sql"] for query in queries.captured_queries]  # still two
    assert (DOCUMENT in page) is from_document
    assert found_ids  # each text finds its ticket


@postgres_only
@pytest.mark.parametrize(
    "text", ["tray modem", "printer tray", "the tray", "lindqvist screen", "printer flickers"]
)
def test_the_staff_document_finds_the_same_tickets_in_the_same_order(desk, monkeypatch, text):
    printer = desk["printer"]
    factories.TimelineEntryFactory(ticket=printer, visibility="internal", content="Rebooted modem")
    make("INC-2026-000031", "Tray of the printer", "Printer tray broken", priority="high")
    make("INC-2026-000032", "Modem", "Tray modem reset")
    make("INC-2026-000033", "Screen", "Printer flickers")
    from_document = ranked_ids(text)

    def own_condition(visible, tickets, *args):  # ranked, by the results' own condition
        return False, tickets

    monkeypatch.setattr("tickets.search._staff_results", own_condition)
    assert ranked_ids(text) == from_document


@postgres_only
def test_too_many_results_to_rank_keep_their_own_condition(desk, monkeypatch):
    """Listed in the list's order, the results' condition is walked along its index: the
    staff document there would be tested row by row."""
    monkeypatch.setattr("tickets.search.RANKED_UP_TO", 1)
    make("INC-2026-000024", "Printer tray loose", "")
    results = search_tickets(Ticket.objects.all(), "printer tray", internal=True)
    assert RANK not in results.query.annotations
    assert DOCUMENT not in str(results.query)
    assert set(results.values_list("reference", flat=True)) == {
        "INC-2026-000023",
        "INC-2026-000024",
    }
