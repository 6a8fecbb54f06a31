"""Boards with team or agent columns and swimlanes: rendering, team moves, refused owner moves."""

import pytest
from django.urls import reverse

from core.models import AuditLog
from desk import boards
from desk.models import KanbanView
from tests import factories
from tickets.actions import ownership

pytestmark = pytest.mark.django_db

MOVE = reverse("desk:board-move")


def board_view(owner, **fields) -> KanbanView:
    return KanbanView.objects.create(name="Lanes", owner=owner, **fields)


def cards_by_lane(response) -> dict:
    return {
        lane["label"]: {col["value"]: [card.pk for card in col["cards"]] for col in lane["columns"]}
        for lane in response.context["lanes"]
    }


def test_a_status_board_with_priority_swimlanes(client, agent, team):
    hot = factories.TicketFactory(team=team, priority="high", title="Hot one")
    cold = factories.TicketFactory(team=team, priority="low", title="Cold one")
    ownership.accept_ticket(ticket_id=cold.pk, actor=agent)
    view = board_view(agent, swimlane_field="priority")
    client.force_login(agent)

    response = client.get("/board/", {"view": view.pk})

    lanes = cards_by_lane(response)
    assert list(lanes) == ["Critical", "High", "Medium", "Low"]
    assert lanes["High"]["new"] == [hot.pk] and lanes["High"]["in_progress"] == []
    assert lanes["Low"]["in_progress"] == [cold.pk] and lanes["Low"]["new"] == []
    body = response.content.decode()
    assert 'data-lane="high"' in body and "swimlanes by priority" in body
    assert body.index("Hot one") < body.index("Cold one")


def test_a_team_board_with_agent_swimlanes(client, manager, agent, team, other_team):
    mine = factories.TicketFactory(team=team)
    ownership.accept_ticket(ticket_id=mine.pk, actor=agent)
    theirs = factories.TicketFactory(team=other_team)
    unrouted = factories.TicketFactory(team=None)
    view = board_view(manager, column_field="team", swimlane_field="owner")
    client.force_login(manager)

    response = client.get("/board/", {"view": view.pk})

    lanes = cards_by_lane(response)
    assert list(lanes) == [agent.get_username(), "Unowned"]
    assert lanes[agent.get_username()][str(team.pk)] == [mine.pk]
    assert lanes["Unowned"][str(other_team.pk)] == [theirs.pk]
    assert lanes["Unowned"]["none"] == [unrouted.pk]
    labels = [label for _value, label in response.context["choices"]]
    assert labels[-1] == "No team" and {team.name, other_team.name} <= set(labels)


def test_dropping_a_card_on_a_team_column_reroutes_it(client, manager, team, other_team):
    ticket = factories.TicketFactory(team=team)
    view = board_view(manager, column_field="team")
    client.force_login(manager)

    response = client.post(MOVE, {"ticket": ticket.pk, "to": str(other_team.pk), "view": view.pk})

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.team == other_team
    audit = AuditLog.objects.get(action="ticket.updated", ticket_id=ticket.pk)
    assert audit.data == {"team": [str(team.pk), str(other_team.pk)]}


@pytest.mark.parametrize("to", ["none", "not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_a_team_board_refuses_drops_outside_a_team(client, manager, team, to):
    ticket = factories.TicketFactory(team=team)
    view = board_view(manager, column_field="team")
    client.force_login(manager)

    response = client.post(MOVE, {"ticket": ticket.pk, "to": to, "view": view.pk})

    assert response.status_code == 400
    assert "Drop the card on a team" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.team == team


def test_an_agent_board_takes_no_drops(client, manager, agent, other_agent, team):
    ticket = factories.TicketFactory(team=team)
    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    view = board_view(manager, column_field="owner")
    client.force_login(manager)

    page = client.get("/board/", {"view": view.pk}).content.decode()
    assert 'data-drop="false"' in page and 'class="move"' not in page
    response = client.post(MOVE, {"ticket": ticket.pk, "to": str(other_agent.pk), "view": view.pk})

    assert response.status_code == 400
    assert "accepting or transferring" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.owner == agent
    assert not AuditLog.objects.filter(action="ticket.updated").exists()


def test_saving_a_view_with_swimlanes(client, agent, team):
    client.force_login(agent)
    save = reverse("desk:board-save-view")
    client.post(save, {"name": "Team lanes", "column_field": "status", "swimlane_field": "team"})
    view = KanbanView.objects.get()
    assert (view.column_field, view.swimlane_field) == ("status", "team")

    refused = client.post(
        save, {"name": "Same twice", "column_field": "team", "swimlane_field": "team"}
    )
    assert refused.status_code == 400
    assert "another field than the columns" in refused.content.decode()


def test_grouping_puts_cards_without_a_value_last():
    team = factories.TeamFactory.build(name="Zeta")
    cards = [factories.TicketFactory.build(team=team), factories.TicketFactory.build(team=None)]
    assert boards.grouping("team", cards) == [(str(team.pk), "Zeta"), ("none", "No team")]
    assert boards.grouping("owner", cards) == [("none", "Unowned")]
    assert boards.grouping("priority", cards) == boards.columns("priority")


@pytest.mark.parametrize("rows", [5, 50])
def test_a_laned_board_runs_a_constant_number_of_queries(
    client, manager, agent, team, other_team, make_tickets, django_assert_max_num_queries, rows
):
    make_tickets(rows, team=team)
    make_tickets(rows, team=other_team)
    for ticket in make_tickets(rows, team=team):
        ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    view = board_view(manager, column_field="team", swimlane_field="owner")
    client.force_login(manager)
    client.get("/")

    with django_assert_max_num_queries(7):  # as the plain board
        response = client.get("/board/", {"view": view.pk})
    assert response.status_code == 200
    assert sum(len(col["cards"]) for col in response.context["columns"]) == 3 * rows
