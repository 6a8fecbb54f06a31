"""Ticket numbers: ``INC-2026-000123``, counted per prefix and year.

On PostgreSQL each (prefix, year) has a sequence: ``nextval`` never waits on another
transaction, so creations run side by side. (A row counter locked until the creating
transaction commits serialised every creation behind the slowest one: about 100 tickets/s at
most, fewer under load; docs/benchmarks.md, "Webhook ingestion".) The price is the one every
sequence has: a number taken by a transaction that rolls back is not handed out again, so the
numbers are unique and increasing but may have gaps.

On SQLite, which runs one writing transaction at a time anyway, the ``ReferenceCounter`` row is
incremented in the creating transaction, so numbers there have no gaps.
"""

import zlib

from django.db import connection
from django.db.models.functions import Length

from tickets.models import REFERENCE_PREFIX, ReferenceCounter, Ticket

# pg_advisory_xact_lock key space for "create the sequence of this prefix and year".
_ADVISORY_NAMESPACE = 0x7E1C


def next_reference(*, ticket_type: str, year: int) -> str:
    """The next number of this type's prefix and year. Must run inside the creating
    transaction (on SQLite the counter row is written by it)."""
    prefix = REFERENCE_PREFIX[ticket_type]
    if connection.vendor == "postgresql":
        value = _next_from_sequence(prefix, year)
    else:
        value = _next_from_counter(prefix, year)
    return f"{prefix}-{year}-{value:06d}"


def sequence_name(prefix: str, year: int) -> str:
    # Both parts come from REFERENCE_PREFIX and an int: a safe identifier.
    return f"ticket_reference_{prefix.lower()}_{int(year)}"


def _next_from_counter(prefix: str, year: int) -> int:
    counter, _ = ReferenceCounter.objects.get_or_create(prefix=prefix, year=year)
    counter = ReferenceCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    return counter.last_value


def _next_from_sequence(prefix: str, year: int) -> int:
    name = sequence_name(prefix, year)
    with connection.cursor() as cursor:
        # nextval(NULL) is NULL: a missing sequence costs no error (and no aborted transaction).
        cursor.execute("SELECT nextval(to_regclass(%s))", [name])
        value = cursor.fetchone()[0]
        if value is None:
            _create_sequence(cursor, prefix, year)
            cursor.execute("SELECT nextval(to_regclass(%s))", [name])
            value = cursor.fetchone()[0]
    return value


def _create_sequence(cursor, prefix: str, year: int) -> None:
    """The first number of a prefix and year. The advisory lock makes concurrent first
    creations wait for each other (CREATE ... IF NOT EXISTS alone can still collide); the
    sequence starts after any number already used, by the counter of an earlier version or by
    imported tickets."""
    cursor.execute(
        "SELECT pg_advisory_xact_lock(%s, %s)",
        [_ADVISORY_NAMESPACE, zlib.crc32(sequence_name(prefix, year).encode()) & 0x7FFFFFFF],
    )
    counted = (
        ReferenceCounter.objects.filter(prefix=prefix, year=year)
        .values_list("last_value", flat=True)
        .first()
    )
    start = max(counted or 0, _highest_used(prefix, year)) + 1
    cursor.execute(
        f"CREATE SEQUENCE IF NOT EXISTS {sequence_name(prefix, year)} "
        f"AS bigint MINVALUE 1 START WITH {int(start)}"
    )


def _highest_used(prefix: str, year: int) -> int:
    """The highest number of that prefix and year on a ticket (longest, then last: numbers
    past 999999 have seven digits)."""
    stem = f"{prefix}-{year}-"
    highest = (
        Ticket.objects.filter(reference__startswith=stem)
        .order_by(Length("reference").desc(), "-reference")
        .values_list("reference", flat=True)
        .first()
    )
    suffix = (highest or "")[len(stem) :]
    return int(suffix) if suffix.isdigit() else 0


def reserve_references(*, ticket_type: str, year: int, count: int) -> list[str]:
    """The next ``count`` numbers of this type's prefix and year, in order, from the same
    sequence or counter ``next_reference`` uses (for a bulk load of dated tickets, the demo's
    history). Must run inside the creating transaction."""
    if count <= 0:
        return []
    prefix = REFERENCE_PREFIX[ticket_type]
    if connection.vendor == "postgresql":
        first = _next_from_sequence(prefix, year)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(to_regclass(%s)) FROM generate_series(1, %s)",
                [sequence_name(prefix, year), count - 1],
            )
            values = [first, *sorted(row[0] for row in cursor.fetchall())]
    else:
        counter, _ = ReferenceCounter.objects.get_or_create(prefix=prefix, year=year)
        counter = ReferenceCounter.objects.select_for_update().get(pk=counter.pk)
        values = list(range(counter.last_value + 1, counter.last_value + count + 1))
        counter.last_value += count
        counter.save(update_fields=["last_value"])
    return [f"{prefix}-{year}-{value:06d}" for value in values]
