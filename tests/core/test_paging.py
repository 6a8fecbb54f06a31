"""core.paging: counts that do not scan a million rows, pages fetched by their ids."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from core.paging import LongListPaginator, fast_count
from tests import factories
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_small_sets_are_counted_exactly(team):
    factories.TicketFactory.create_batch(3, team=team)
    assert fast_count(Ticket.objects.all()) == (3, False)
    assert fast_count(Ticket.objects.none()) == (0, False)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the planner's statistics are PostgreSQL's"
)
def test_stale_statistics_do_not_turn_a_small_set_into_an_estimate():
    """The statistics say 1,200 rows (gathered before a bulk delete); three are left."""
    Group.objects.bulk_create(Group(name=f"g{n}") for n in range(1_200))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE auth_group")
    Group.objects.exclude(name__in=["g1", "g2", "g3"]).delete()
    assert fast_count(Group.objects.all()) == (3, False)


def test_a_set_that_reaches_the_threshold_is_never_counted_below_it(team):
    factories.TicketFactory.create_batch(3, team=team)
    count, is_estimate = fast_count(Ticket.objects.all(), exact_below=2)
    assert count >= 2 and is_estimate == (connection.vendor == "postgresql")


def test_above_the_threshold_postgresql_answers_with_its_estimate(team):
    factories.TicketFactory.create_batch(3, team=team)
    count, is_estimate = fast_count(Ticket.objects.all(), exact_below=1)
    if connection.vendor == "postgresql":
        assert is_estimate and count >= 1  # the planner's figure, whatever the statistics
    else:  # SQLite has no estimate: exact
        assert (count, is_estimate) == (3, False)


def test_a_page_keeps_the_order_and_the_rows_of_the_queryset(team):
    tickets = factories.TicketFactory.create_batch(7, team=team)
    ordered = Ticket.objects.select_related("team").order_by("reference")
    page = LongListPaginator(ordered, 3).page(2)
    expected = sorted(tickets, key=lambda t: t.reference)[3:6]
    assert [t.pk for t in page.object_list] == [t.pk for t in expected]
    assert page.has_next() and page.has_previous()
    assert page.object_list[0].team.name == team.name  # select_related kept


def test_a_page_past_an_estimated_count_is_served_empty(team):
    factories.TicketFactory.create_batch(2, team=team)
    paginator = LongListPaginator(Ticket.objects.order_by("reference"), 2)
    paginator.count  # noqa: B018 - computed (exact here), then pretend it was estimated
    paginator.count_is_estimate = True
    assert list(paginator.page(5).object_list) == []
