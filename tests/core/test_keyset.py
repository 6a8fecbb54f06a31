"""core.keyset and LongListPaginator's cursors: walking a list by cursor, forwards and back,
gives exactly the rows of the ordered queryset, in order, with ties and empty (null) keys;
cursors that cannot be followed are refused."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import signing
from django.db.models import F

from core import keyset
from core.paging import LongListPaginator
from tests import factories
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

ORDERINGS = {
    "score, created, id": ("-priority_score", "created_at", "id"),
    "reference": ("reference", "id"),
    "updated, newest first": ("-updated_at", "id"),
    "SLA due, soonest first": (F("sla_due").asc(nulls_last=True), "id"),
    "SLA due, latest first": (F("sla_due").desc(nulls_last=True), "id"),
}


@pytest.fixture
def tickets(team):
    """17 tickets: three scores (many ties), two creation times, every third without a due
    time."""
    made = []
    for n in range(17):
        due = None if n % 3 == 0 else T0 + timedelta(hours=n % 4)  # ties among due times too
        made.append(
            factories.TicketFactory(team=team, priority_score=float(n % 3) * 10, sla_due=due)
        )
    Ticket.objects.filter(pk__in=[t.pk for t in made[::2]]).update(created_at=T0)
    return made


def walk(queryset, per_page: int, *, backwards: bool = False) -> list:
    """Every row, page by page, following next (or, from the last page, previous) cursors."""
    paginator = LongListPaginator(queryset, per_page, keyed=True)
    page = paginator.page(paginator.num_pages if backwards else 1)
    pages = [list(page.object_list)]
    while (page.previous_cursor if backwards else page.next_cursor) is not None:
        cursor = page.previous_cursor if backwards else page.next_cursor
        page = LongListPaginator(queryset, per_page, keyed=True).cursor_page(cursor)
        pages.append(list(page.object_list))
    if backwards:
        pages.reverse()
    return [row.pk for rows in pages for row in rows]


@pytest.mark.parametrize("name", ORDERINGS)
@pytest.mark.parametrize("per_page", [1, 4, 5])
def test_walking_by_cursor_gives_the_ordered_rows_once_each(tickets, name, per_page):
    queryset = Ticket.objects.order_by(*ORDERINGS[name])
    expected = list(queryset.values_list("pk", flat=True))
    assert walk(queryset, per_page) == expected
    assert walk(queryset, per_page, backwards=True) == expected


def test_a_cursor_page_knows_whether_pages_follow_and_precede(tickets):
    queryset = Ticket.objects.order_by("reference", "id")
    first = LongListPaginator(queryset, 10, keyed=True).page(1)
    assert first.previous_cursor is None and first.next_cursor is not None

    last = LongListPaginator(queryset, 10, keyed=True).cursor_page(first.next_cursor)
    assert len(last.object_list) == 7
    assert last.number is None and not last.has_next() and last.has_previous()

    back = LongListPaginator(queryset, 10, keyed=True).cursor_page(last.previous_cursor)
    assert [t.pk for t in back.object_list] == [t.pk for t in first.object_list]
    assert not back.has_previous() and back.has_next()


def test_orderings_without_a_key_have_no_cursors(tickets):
    assert keyset.terms_of(Ticket.objects.order_by("reference")) is None  # no id last
    assert keyset.terms_of(Ticket.objects.order_by("team__name", "id")) is None  # related
    assert keyset.terms_of(Ticket.objects.order_by("sla_due", "id")) is None  # nulls' place
    page = LongListPaginator(Ticket.objects.order_by("reference"), 5, keyed=True).page(1)
    assert page.next_cursor is None
    with pytest.raises(keyset.BadCursor):
        LongListPaginator(Ticket.objects.order_by("reference"), 5, keyed=True).cursor_page("x")


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        signing.dumps({"o": "reference,id", "d": "n", "v": ["x"]}, salt="another"),  # unsigned
        signing.dumps({"o": "reference,id", "d": "n", "v": ["x"]}, salt=keyset.SALT),  # short
        signing.dumps({"o": "reference,id", "d": "?", "v": ["x", "y"]}, salt=keyset.SALT),
        signing.dumps({"o": "reference,id", "d": "n", "v": ["x", "not-a-uuid"]}, salt=keyset.SALT),
        signing.dumps({"o": "-created_at,id", "d": "n", "v": ["x", "y"]}, salt=keyset.SALT),
    ],
)
def test_cursors_that_cannot_be_followed_are_refused(tickets, cursor):
    paginator = LongListPaginator(Ticket.objects.order_by("reference", "id"), 5, keyed=True)
    with pytest.raises(keyset.BadCursor):
        paginator.cursor_page(cursor)
