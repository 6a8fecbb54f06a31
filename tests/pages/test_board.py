"""The kanban board: columns, moves through the lifecycle services, WIP limits, saved views."""

import pytest
from django.urls import reverse

from desk import boards
from desk.models import KanbanView
from tests import factories
from tickets.actions import ownership

pytestmark = pytest.mark.django_db

MOVE = reverse("desk:board-move")


def hard_view(team, **fields) -> KanbanView:
    return KanbanView.objects.create(
        name="Network", team=team, wip_mode="hard", wip_limits={"in_progress": 1}, **fields
    )


@pytest.mark.parametrize(
    ("limit", "count", "mode", "verdict"),
    [
        (None, 10, "hard", "ok"),
        (2, 1, "hard", "ok"),
        (2, 2, "hard", "refuse"),
        (2, 2, "soft", "warn"),
    ],
)
def test_wip_verdict(limit, count, mode, verdict):
    assert boards.wip_verdict(limit=limit, count=count, mode=mode) == verdict


def test_requesters_have_no_board(client, requester):
    client.force_login(requester)
    assert client.get("/board/").status_code == 403


def test_the_default_board_has_status_columns(client, agent, ticket):
    client.force_login(agent)
    response = client.get("/board/")
    columns = {col["value"]: col for col in response.context["columns"]}
    assert list(columns) == ["new", "in_progress", "escalated", "waiting", "resolved"]
    assert [card.pk for card in columns["new"]["cards"]] == [ticket.pk]


def test_dropping_a_new_card_on_in_progress_accepts_it(client, agent, ticket):
    client.force_login(agent)
    response = client.post(MOVE, {"ticket": ticket.pk, "to": "in_progress"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.owner) == ("in_progress", agent)


def test_an_illegal_move_is_refused_with_a_message(client, agent, ticket):
    client.force_login(agent)
    response = client.post(MOVE, {"ticket": ticket.pk, "to": "resolved"})
    assert response.status_code == 409
    assert "cannot go from" in response.content.decode()
    escalate = client.post(MOVE, {"ticket": ticket.pk, "to": "escalated"})
    assert "opening an envelope" in escalate.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_resolving_on_the_board_needs_a_resolution(client, agent, ticket):
    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    client.force_login(agent)
    refused = client.post(MOVE, {"ticket": ticket.pk, "to": "resolved"})
    assert refused.status_code == 400
    client.post(MOVE, {"ticket": ticket.pk, "to": "resolved", "resolution": "Fixed"})
    ticket.refresh_from_db()
    assert (ticket.status, ticket.resolution) == ("resolved", "Fixed")


def test_a_hard_wip_limit_refuses_the_next_card(client, agent, team, requester):
    first, second = factories.TicketFactory.create_batch(2, team=team)
    view = hard_view(team)
    client.force_login(agent)

    assert (
        client.post(MOVE, {"ticket": first.pk, "to": "in_progress", "view": view.pk}).status_code
        == 302
    )
    refused = client.post(MOVE, {"ticket": second.pk, "to": "in_progress", "view": view.pk})

    assert refused.status_code == 409
    assert (
        "WIP limit reached: &#x27;In progress&#x27; holds 1 of 1 cards." in refused.content.decode()
    )
    second.refresh_from_db()
    assert second.status == "new"


def test_a_soft_wip_limit_warns_and_moves(client, agent, team):
    first, second = factories.TicketFactory.create_batch(2, team=team)
    view = hard_view(team)
    view.wip_mode = "soft"
    view.save()
    client.force_login(agent)
    client.post(MOVE, {"ticket": first.pk, "to": "in_progress", "view": view.pk})

    response = client.post(
        MOVE, {"ticket": second.pk, "to": "in_progress", "view": view.pk}, follow=True
    )

    assert "Over the WIP limit" in response.content.decode()
    second.refresh_from_db()
    assert second.status == "in_progress"


def test_a_priority_board_changes_the_priority(client, manager, ticket):
    view = KanbanView.objects.create(name="By priority", owner=manager, column_field="priority")
    client.force_login(manager)
    client.post(MOVE, {"ticket": ticket.pk, "to": "critical", "view": view.pk})
    ticket.refresh_from_db()
    assert ticket.priority == "critical"


def test_views_of_other_agents_and_teams_stay_hidden(client, agent, other_agent, other_team):
    theirs = KanbanView.objects.create(name="Theirs", owner=other_agent)
    team_view = KanbanView.objects.create(name="Apps", team=other_team)
    client.force_login(agent)
    assert client.get("/board/", {"view": theirs.pk}).status_code == 404
    assert client.get("/board/", {"view": team_view.pk}).status_code == 404


def test_saving_a_team_view_with_filters_and_limits(client, agent, team, other_team):
    factories.TicketFactory(team=team, priority="high", title="Hot one")
    factories.TicketFactory(team=team, priority="low", title="Cold one")
    client.force_login(agent)
    response = client.post(
        reverse("desk:board-save-view"),
        {
            "name": "Hot network",
            "column_field": "status",
            "sort": "sla_due",
            "wip_mode": "hard",
            "wip_in_progress": "3",
            "filters": "priority=high",
            "team": str(team.pk),
        },
    )
    view = KanbanView.objects.get()
    assert response["Location"] == f"/board/?view={view.pk}"
    assert (view.team, view.owner, view.wip_limits) == (team, None, {"in_progress": 3})
    body = client.get(response["Location"]).content.decode()
    assert "Hot one" in body and "Cold one" not in body

    other = client.post(
        reverse("desk:board-save-view"),
        {"name": "Not mine", "column_field": "status", "team": str(other_team.pk)},
    )
    assert other.status_code == 403
    assert client.post(reverse("desk:board-save-view"), {"name": ""}).status_code == 400


@pytest.mark.parametrize("rows", [5, 50])
def test_the_board_runs_a_constant_number_of_queries(
    client, agent, team, make_tickets, django_assert_max_num_queries, rows
):
    make_tickets(rows, team=team)
    view = hard_view(team, sort="sla_due")
    client.force_login(agent)
    client.get("/board/")
    with django_assert_max_num_queries(7):
        assert client.get("/board/", {"view": view.pk}).status_code == 200
