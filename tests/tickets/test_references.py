"""Ticket numbers: a sequence per prefix and year on PostgreSQL (no lock held until commit),
the counter row on SQLite; either way unique, increasing and per type and year."""

import pytest
from django.db import connection, transaction

from tests import factories
from tests.tickets.test_concurrency import run_together
from tickets.models import ReferenceCounter
from tickets.references import next_reference, sequence_name

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="sequences are PostgreSQL's (CI's second run)"
)


def _numbers(year: int, how_many: int, ticket_type: str = "incident") -> list[str]:
    return [next_reference(ticket_type=ticket_type, year=year) for _ in range(how_many)]


def test_numbers_count_per_prefix_and_year(db):
    assert _numbers(2031, 2) == ["INC-2031-000001", "INC-2031-000002"]
    assert _numbers(2032, 1) == ["INC-2032-000001"]
    assert _numbers(2031, 1, "change") == ["CHG-2031-000001"]
    assert _numbers(2031, 1) == ["INC-2031-000003"]


def test_seven_digit_numbers_once_past_a_million(db):
    if connection.vendor == "postgresql":
        factories.TicketFactory(reference="INC-2033-999999")
    else:
        ReferenceCounter.objects.create(prefix="INC", year=2033, last_value=999_999)
    assert _numbers(2033, 1) == ["INC-2033-1000000"]


@postgres_only
def test_the_sequence_starts_after_the_counter_of_an_earlier_version(db):
    ReferenceCounter.objects.create(prefix="REQ", year=2034, last_value=41)
    assert _numbers(2034, 1, "request") == ["REQ-2034-000042"]


@postgres_only
def test_the_sequence_starts_after_imported_numbers(db):
    factories.TicketFactory(reference="PRB-2035-000007")
    factories.TicketFactory(reference="PRB-2035-000123")
    factories.TicketFactory(reference="PRB-2035-draft")  # not a number: ignored
    assert _numbers(2035, 1, "problem") == ["PRB-2035-000124"]


@postgres_only
def test_a_rolled_back_number_is_not_reused(db):
    """The documented price of a lock-free sequence: a gap, never a duplicate."""
    _numbers(2036, 1)
    with pytest.raises(RuntimeError), transaction.atomic():
        _numbers(2036, 1)
        raise RuntimeError("creation failed")
    assert _numbers(2036, 1) == ["INC-2036-000003"]


def test_a_rolled_back_number_is_reused_on_sqlite(db):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL's sequences leave gaps (test above)")
    _numbers(2036, 1)
    with pytest.raises(RuntimeError), transaction.atomic():
        _numbers(2036, 1)
        raise RuntimeError("creation failed")
    assert _numbers(2036, 1) == ["INC-2036-000002"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_numbers_of_a_year_are_distinct():
    """Eight transactions ask for the first number of a year at once: one creates the
    sequence (or counter row), the others wait for it; eight distinct numbers, no error."""
    year = 2040

    def take(index: int) -> str:
        with transaction.atomic():
            return next_reference(ticket_type="incident", year=year)

    try:
        results = run_together(take, 8)
        errors = [r for r in results if isinstance(r, Exception)]
        assert not errors, errors
        assert sorted(results) == [f"INC-{year}-{n:06d}" for n in range(1, 9)]
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # committed DDL outlives the test's flush
                cursor.execute(f"DROP SEQUENCE IF EXISTS {sequence_name('INC', year)}")
