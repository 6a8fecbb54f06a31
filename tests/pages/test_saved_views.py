"""Saved views of the ticket list: save, list, apply, delete, who sees which, query counts."""

import pytest
from django.urls import reverse

from core.exceptions import DomainValidationError, NotPermitted
from desk.actions import saved_views as view_actions
from desk.models import SavedTicketView
from tests import factories

pytestmark = pytest.mark.django_db

SAVE = reverse("desk:list-save-view")


def delete_url(view) -> str:
    return reverse("desk:list-delete-view", args=[view.pk])


def test_an_agent_saves_the_current_filters_and_sees_the_view_listed(client, agent):
    client.force_login(agent)
    response = client.post(SAVE, {"name": "Urgent", "query": "priority=high&page=3&status=new"})

    view = SavedTicketView.objects.get()
    assert (view.name, view.owner, view.team, view.query) == (
        "Urgent",
        agent,
        None,
        "priority=high&status=new",
    )
    assert response["Location"] == "/tickets/?priority=high&status=new"
    body = client.get("/tickets/").content.decode()
    assert 'href="?priority=high&amp;status=new">Urgent</a>' in body
    assert delete_url(view) in body


def test_applying_a_view_filters_the_list(client, agent, team, make_tickets):
    high = make_tickets(1, team=team, priority="high", title="Hot one")[0]
    make_tickets(1, team=team, priority="low", title="Cold one")
    view = view_actions.save_ticket_view(actor=agent, name="Hot", query="priority=high")
    client.force_login(agent)

    response = client.get(f"/tickets/?{view.query}")

    assert [t.pk for t in response.context["page"].object_list] == [high.pk]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("priority=urgentish", "Select a valid choice"),
        ("colour=red", "Unknown filter: colour"),
        ("created_after=yesterday", "created_after"),
    ],
)
def test_a_query_the_filterset_refuses_is_not_saved(client, agent, query, message):
    client.force_login(agent)
    response = client.post(SAVE, {"name": "Bad", "query": query}, follow=True)
    assert message in response.content.decode()
    assert not SavedTicketView.objects.exists()


def test_names_are_unique_per_owner_not_globally(agent, other_agent):
    view_actions.save_ticket_view(actor=agent, name="Mine", query="")
    with pytest.raises(DomainValidationError, match="already have a view"):
        view_actions.save_ticket_view(actor=agent, name=" mine ", query="status=new")
    view_actions.save_ticket_view(actor=other_agent, name="Mine", query="")
    assert SavedTicketView.objects.count() == 2


def test_requesters_save_no_views(client, requester):
    client.force_login(requester)
    assert client.post(SAVE, {"name": "Mine", "query": ""}).status_code == 403
    with pytest.raises(NotPermitted):
        view_actions.save_ticket_view(actor=requester, name="Mine", query="")
    assert "saved-views" not in client.get("/tickets/").content.decode()


def test_another_agent_does_not_see_a_personal_view(client, agent, other_agent):
    view = view_actions.save_ticket_view(actor=agent, name="Private", query="priority=low")
    client.force_login(other_agent)

    assert "Private" not in client.get("/tickets/").content.decode()
    assert client.post(delete_url(view)).status_code == 404
    assert SavedTicketView.objects.filter(pk=view.pk).exists()


def test_a_team_view_is_shown_to_members_only_and_deleted_by_its_owner_only(
    client, agent, team, other_team
):
    member = factories.AgentFactory(teams=[team])
    outsider = factories.AgentFactory(teams=[other_team])
    client.force_login(agent)
    client.post(SAVE, {"name": "Team hot", "query": "priority=high", "team": team.pk})
    view = SavedTicketView.objects.get()
    assert view.team == team

    client.force_login(member)
    body = client.get("/tickets/").content.decode()
    assert "Team hot" in body and delete_url(view) not in body
    client.post(delete_url(view))
    assert SavedTicketView.objects.filter(pk=view.pk).exists()

    client.force_login(outsider)
    assert "Team hot" not in client.get("/tickets/").content.decode()


def test_sharing_with_a_team_needs_membership_or_a_manager(client, agent, manager, other_team):
    client.force_login(agent)
    response = client.post(
        SAVE, {"name": "Theirs", "query": "", "team": other_team.pk}, follow=True
    )
    assert "your own teams only" in response.content.decode()
    assert not SavedTicketView.objects.exists()
    view = view_actions.save_ticket_view(actor=manager, name="Theirs", query="", team=other_team)
    assert view.team == other_team


def test_the_owner_deletes_their_view(client, agent):
    view = view_actions.save_ticket_view(actor=agent, name="Gone soon", query="status=new")
    client.force_login(agent)

    response = client.post(delete_url(view))

    assert response["Location"] == "/tickets/"
    assert not SavedTicketView.objects.exists()


@pytest.mark.parametrize("rows", [5, 50])
def test_the_list_with_saved_views_runs_a_constant_number_of_queries(
    client, agent, team, make_tickets, django_assert_max_num_queries, rows
):
    make_tickets(rows, team=team)
    other = factories.AgentFactory(teams=[team])
    for number in range(rows):
        view_actions.save_ticket_view(actor=agent, name=f"Mine {number}", query="status=new")
        view_actions.save_ticket_view(
            actor=other, name=f"Team {number}", query="priority=high", team=team
        )
    client.force_login(agent)
    client.get("/")  # session and role warm-up are not what is measured

    # 7 + the agent's scope + the page's ids (+ the count's EXPLAIN on PostgreSQL): core.paging
    with django_assert_max_num_queries(10):
        response = client.get("/tickets/?status=new")
    assert response.status_code == 200
    assert len(response.context["saved_views"]) == 2 * rows
