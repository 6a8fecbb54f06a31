"""Canned responses: placeholders filled by a tiny substitution (nothing executed), who keeps
which (own; team ones for managers and admins), the /canned/ page and the admin, each write
through desk.actions.canned with an audit row."""

import pytest
from django.urls import reverse

from core.exceptions import DomainValidationError, NotPermitted
from core.models import AuditLog
from desk.actions import canned
from desk.canned import usable_responses
from desk.models import CannedResponse
from desk.placeholders import fill, problems
from tests import factories

pytestmark = pytest.mark.django_db

VALUES = {"requester.first_name": "Ada", "ticket.reference": "INC-1", "agent.first_name": "Kim"}


def test_known_placeholders_are_filled_and_nothing_else_runs():
    body = (
        "Hi {{requester.first_name}} / {{ ticket.reference }} / {{ agent.first_name }} "
        "{{ settings.SECRET_KEY }} {{ ticket.requester.user.password }} "
        "{{ agent.first_name|upper }} {% debug %} {% load static %}"
    )
    filled = fill(body, VALUES)
    assert filled.startswith("Hi Ada / INC-1 / Kim ")
    for literal in (
        "{{ settings.SECRET_KEY }}", "{{ ticket.requester.user.password }}",
        "{{ agent.first_name|upper }}", "{% debug %}", "{% load static %}",
    ):  # fmt: skip
        assert literal in filled


def test_values_are_not_expanded_again():
    sneaky = {"requester.first_name": "{{ agent.first_name }}{% debug %}"}
    assert fill("{{ requester.first_name }}", sneaky) == "{{ agent.first_name }}{% debug %}"


def test_unknown_names_and_tags_are_refused_when_saved(agent):
    found = problems("{{ requester.password }} {% include 'x' %} {# c #}")
    assert any("requester.password" in problem for problem in found)
    assert any("Template tags" in problem for problem in found)
    with pytest.raises(DomainValidationError) as refused:
        canned.create_response(actor=agent, title="Bad", body="{{ ticket.owner.password }}")
    assert "ticket.owner.password" in refused.value.errors["body"][0]
    assert not CannedResponse.objects.exists() and not AuditLog.objects.exists()


def test_who_keeps_which(agent, other_agent, manager, team, other_team, requester):
    mine = canned.create_response(actor=agent, title="Mine", body="x")
    with pytest.raises(NotPermitted):
        canned.create_response(actor=agent, title="Team", body="x", team=team)
    with pytest.raises(NotPermitted):
        canned.create_response(actor=requester, title="R", body="x")
    shared = canned.create_response(actor=manager, title="Team", body="y", team=team)
    elsewhere = canned.create_response(actor=manager, title="Other", body="z", team=other_team)
    assert set(usable_responses(agent)) == {mine, shared}
    assert set(usable_responses(other_agent)) == {elsewhere}
    assert set(usable_responses(manager)) == {shared, elsewhere}
    with pytest.raises(NotPermitted):
        canned.update_response(actor=agent, response_id=shared.pk, title="T", body="changed")
    with pytest.raises(NotPermitted):
        canned.delete_response(actor=other_agent, response_id=mine.pk)
    canned.update_response(actor=manager, response_id=shared.pk, title="Team", body="changed")
    canned.delete_response(actor=agent, response_id=mine.pk)
    assert list(AuditLog.objects.order_by("id").values_list("action", flat=True)) == [
        "canned_response.created",
        "canned_response.created",
        "canned_response.created",
        "canned_response.updated",
        "canned_response.deleted",
    ]


def test_the_page_creates_edits_and_deletes(client, agent):
    client.force_login(agent)
    assert client.get(reverse("desk:canned")).status_code == 200
    created = client.post(
        reverse("desk:canned-create"), {"title": "Hello", "body": "Hi {{ requester.name }}"}
    )
    assert created.status_code == 302
    response = CannedResponse.objects.get()
    assert response.owner == agent and response.team is None
    client.post(reverse("desk:canned-edit", args=[response.pk]), {"title": "Hi", "body": "new"})
    response.refresh_from_db()
    assert (response.title, response.body) == ("Hi", "new")
    client.post(reverse("desk:canned-delete", args=[response.pk]))
    assert not CannedResponse.objects.exists()


def test_the_page_shows_field_errors_and_keeps_the_draft(client, agent, manager, team):
    client.force_login(agent)
    refused = client.post(reverse("desk:canned-create"), {"title": "", "body": "{{ x.y }}"})
    html = refused.content.decode()
    assert refused.status_code == 400 and 'id="error-title"' in html and "x.y" in html
    assert "{{ x.y }}</textarea>" in html
    team_one = canned.create_response(actor=manager, title="Team", body="t", team=team)
    assert client.post(reverse("desk:canned-delete", args=[team_one.pk])).status_code == 403
    assert (
        client.post(
            reverse("desk:canned-create"), {"title": "T", "body": "b", "team": str(team.pk)}
        ).status_code
        == 403
    )
    client.force_login(manager)
    bad_team = client.post(reverse("desk:canned-create"), {"title": "T", "body": "b", "team": "x"})
    assert bad_team.status_code == 400 and "Pick a team" in bad_team.content.decode()


def test_requesters_have_no_canned_page(client, requester):
    client.force_login(requester)
    assert client.get(reverse("desk:canned")).status_code == 403


def test_the_admin_writes_through_the_actions(admin_client, admin_user, team):
    added = admin_client.post(
        "/admin/desk/cannedresponse/add/",
        {"title": "Admin one", "body": "Hello {{ agent.name }}", "team": str(team.pk)},
    )
    assert added.status_code == 302
    response = CannedResponse.objects.get()
    assert response.team == team and response.created_by == admin_user
    refused = admin_client.post(
        f"/admin/desk/cannedresponse/{response.pk}/change/",
        {"title": "Admin one", "body": "{% debug %}"},
    )
    assert refused.status_code == 200 and "Template tags" in refused.content.decode()
    admin_client.post(
        f"/admin/desk/cannedresponse/{response.pk}/change/", {"title": "Renamed", "body": "B"}
    )
    admin_client.post(
        "/admin/desk/cannedresponse/",
        {"action": "delete_selected", "_selected_action": [response.pk], "post": "yes"},
    )
    assert not CannedResponse.objects.exists()
    assert list(AuditLog.objects.order_by("id").values_list("action", flat=True)) == [
        "canned_response.created",
        "canned_response.updated",
        "canned_response.deleted",
    ]


def test_the_changelist_runs_constant_queries(admin_client, team, django_assert_max_num_queries):
    def add(count: int) -> None:
        for _ in range(count):
            owner = factories.AgentFactory(teams=[team])
            canned.create_response(actor=owner, title="Mine", body="x")

    add(2)
    with django_assert_max_num_queries(12) as few:
        admin_client.get("/admin/desk/cannedresponse/")
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert admin_client.get("/admin/desk/cannedresponse/").status_code == 200
