import pytest

from tests import factories
from tickets.actions import ownership, tasks
from tickets.selectors import visible_tickets, visible_timeline

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(team, other_team, requester):
    """Three tickets: one of `team`, one of `other_team`, one of nobody's team."""
    return {
        "mine": factories.TicketFactory(team=team, requester=requester.contact),
        "theirs": factories.TicketFactory(team=other_team),
        "unrouted": factories.TicketFactory(team=None),
    }


def ids(queryset) -> set:
    return set(queryset.values_list("pk", flat=True))


def test_admin_and_manager_see_everything(board, admin_user, manager):
    everything = {t.pk for t in board.values()}
    assert ids(visible_tickets(admin_user)) == everything
    assert ids(visible_tickets(manager)) == everything


def test_agent_sees_own_teams_tickets(board, agent):
    assert ids(visible_tickets(agent)) == {board["mine"].pk}


def test_agent_also_sees_tickets_they_own_or_hold_a_task_on(board, agent, other_agent, manager):
    theirs = board["theirs"]
    ownership.accept_ticket(ticket_id=theirs.pk, actor=other_agent)
    tasks.create_task(ticket_id=theirs.pk, actor=other_agent, title="Help", assigned_to=agent)
    assert ids(visible_tickets(agent)) == {board["mine"].pk, theirs.pk}
    # ...and ownership outlives team membership:
    ownership.accept_ticket(ticket_id=board["mine"].pk, actor=agent)
    agent.agent_profile.teams.clear()
    assert board["mine"].pk in ids(visible_tickets(agent))


def test_agent_list_has_no_duplicates(board, agent, team):
    ownership.accept_ticket(ticket_id=board["mine"].pk, actor=agent)
    for n in range(3):
        tasks.create_task(ticket_id=board["mine"].pk, actor=agent, title=f"t{n}", assigned_to=agent)
    assert visible_tickets(agent).count() == 1


def test_requester_sees_only_their_own(board, requester):
    assert ids(visible_tickets(requester)) == {board["mine"].pk}
    stranger = factories.RequesterFactory()
    assert ids(visible_tickets(stranger)) == set()


def test_users_without_a_role_and_inactive_users_see_nothing(board, agent):
    assert visible_tickets(factories.UserFactory()).count() == 0
    agent.is_active = False
    agent.save()
    assert visible_tickets(agent).count() == 0


def test_timeline_visibility(ticket, agent, requester):
    for visibility in ("public", "internal", "envelope_only"):
        factories.TimelineEntryFactory(ticket=ticket, visibility=visibility, content=visibility)
    as_requester = set(visible_timeline(requester, ticket).values_list("content", flat=True))
    as_agent = set(visible_timeline(agent, ticket).values_list("content", flat=True))
    assert as_requester == {"public"}
    assert as_agent == {"public", "internal"}


def test_visible_tickets_costs_the_role_and_one_list_query(board, agent, django_assert_num_queries):
    agent = type(agent).objects.get(pk=agent.pk)  # no cached role
    with django_assert_num_queries(2):  # the role, then the list
        list(visible_tickets(agent))


def test_the_resolved_scope_is_the_same_scope(board, agent, other_agent, manager, requester):
    """visible_tickets(resolved=True), for long lists, reads the agent's teams and granted
    tickets first: the same tickets, whichever way the agent came to see them."""
    theirs = board["theirs"]
    assert ids(visible_tickets(agent, resolved=True)) == {board["mine"].pk}
    ownership.accept_ticket(ticket_id=theirs.pk, actor=other_agent)
    tasks.create_task(ticket_id=theirs.pk, actor=other_agent, title="Help", assigned_to=agent)
    ownership.accept_ticket(ticket_id=board["mine"].pk, actor=agent)
    agent.agent_profile.teams.clear()
    expected = {board["mine"].pk, theirs.pk}
    assert ids(visible_tickets(agent)) == expected
    assert ids(visible_tickets(agent, resolved=True)) == expected
    for user in (manager, requester):
        assert ids(visible_tickets(user, resolved=True)) == ids(visible_tickets(user))


def test_the_resolved_scope_costs_one_query_up_front(board, agent, django_assert_num_queries):
    agent = type(agent).objects.get(pk=agent.pk)  # no cached role
    with django_assert_num_queries(3):  # the role, the scope, then the list
        list(visible_tickets(agent, resolved=True))
