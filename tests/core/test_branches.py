"""core.branches: an OR of branches kept apart in the query, the same rows and SQL as the OR;
its walks only where each branch is the list's one condition in a named ordering."""

import pytest
from django.db.models import Q

from core import keyset
from core.branches import AnyOf, branches_of, filter_any
from tests import factories
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
ORDER = ("-priority_score", "created_at", "id")


class ByScore(AnyOf):
    orderings = (("-priority_score", "created_at", "pk"),)


def branched(team_ids: list, owner) -> list[Q]:
    return [Q(team_id__in=team_ids), Q(owner=owner)]


def test_the_same_sql_and_rows_as_the_or(agent, team, other_team):
    mine = factories.TicketFactory(team=team)
    owned = factories.TicketFactory(team=other_team, owner=agent)
    factories.TicketFactory(team=other_team)
    tickets = Ticket.objects.order_by(*ORDER)
    either = tickets.filter(Q(team_id__in=[team.pk]) | Q(owner=agent))
    kept = filter_any(tickets, branched([team.pk], agent), kind=ByScore)
    assert str(kept.query) == str(either.query)
    assert list(kept) == list(either) and set(either) == {mine, owned}
    assert filter_any(tickets, []).count() == 0


def test_walks_one_per_branch_and_per_value_of_a_list(agent, team, other_team):
    first = factories.TicketFactory(team=team)
    second = factories.TicketFactory(team=other_team)
    owned = factories.TicketFactory(team=None, owner=agent)
    granted = factories.TicketFactory(team=None)
    factories.TicketFactory(team=None)  # in no branch
    tickets = filter_any(
        Ticket.objects.order_by(*ORDER),
        [Q(team_id__in=[team.pk, other_team.pk]), Q(owner=agent), Q(id__in=[granted.pk])],
        kind=ByScore,
    )
    walks = branches_of(tickets, keyset.terms_of(tickets))
    # Two teams, one walk each; the owner; the ids, one walk (read by key).
    assert [set(walk) for walk in walks] == [{first}, {second}, {owned}, {granted}]
    assert set(tickets) == {first, second, owned, granted}


def test_no_walks_beside_another_filter_or_in_another_ordering(agent, team):
    tickets = filter_any(Ticket.objects.order_by(*ORDER), branched([team.pk], agent), kind=ByScore)
    assert branches_of(tickets, keyset.terms_of(tickets)) is not None
    filtered = tickets.filter(status="new")
    assert branches_of(filtered, keyset.terms_of(filtered)) is None
    by_creation = tickets.order_by("-created_at", "id")
    assert branches_of(by_creation, keyset.terms_of(by_creation)) is None
    plain = filter_any(Ticket.objects.order_by(*ORDER), branched([team.pk], agent))
    assert branches_of(plain, keyset.terms_of(plain)) is None  # AnyOf names no ordering
    combined = tickets | Ticket.objects.filter(status="new").order_by(*ORDER)
    assert branches_of(combined, keyset.terms_of(combined)) is None
