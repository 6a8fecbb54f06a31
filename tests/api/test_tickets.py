"""The ticket endpoints through the real door (DRF APIClient, full middleware stack)."""

import pytest

from core.models import AuditLog
from tests import factories
from tickets.actions import flags, journal, ownership, tasks, timeline
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def url(ticket=None, action: str = "") -> str:
    base = "/api/v1/tickets/"
    if ticket is None:
        return base
    return f"{base}{ticket.pk}/{action + '/' if action else ''}"


# --- create ---------------------------------------------------------------------------------


def test_requester_creates_for_themselves(api, requester):
    response = api.as_(requester).post(url(), {"title": "Printer jam", "category": "hardware"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["requester"]["email"] == requester.email
    assert body["status"] == "new" and body["owner"] is None
    assert body["reference"].startswith("INC-")


@pytest.mark.parametrize(
    "field", ["priority", "urgency", "impact", "requester", "owner", "status", "team"]
)
def test_requester_cannot_set_desk_fields(api, requester, field):
    value = {"requester": {"email": "x@y.example"}}.get(field, "1")
    response = api.as_(requester).post(url(), {"title": "x", field: value})
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Ticket.objects.count() == 0


def test_agent_creates_for_a_requester_with_matrix_priority(api, agent):
    response = api.as_(agent).post(
        url(),
        {
            "title": "Core switch down",
            "requester": {"email": "ops@customer.example", "name": "Ops"},
            "urgency": "1",
            "impact": 1,
            "type": "incident",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["priority"] == "critical"
    assert body["requester"] == {"email": "ops@customer.example", "name": "Ops", "tier": "standard"}
    assert body["source"] == "api"


def test_agent_must_name_a_requester(api, agent):
    response = api.as_(agent).post(url(), {"title": "x"})
    assert response.status_code == 400
    assert "requester" in response.json()["errors"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"title": ["a"]}, "title"),
        ({"title": "x", "type": "outage"}, "type"),
        ({"title": "x", "priority": "urgent"}, "priority"),
        ({"title": "x", "urgency": "9"}, "urgency"),
        ({"title": "x", "requester": "ops@x.example"}, "requester"),
        ({"title": "x", "requester": {"email": "not-an-email"}}, "requester"),
    ],
)
def test_create_validation_names_the_field(api, agent, payload, field):
    payload = {"requester": {"email": "a@b.example"}} | payload
    response = api.as_(agent).post(url(), payload)
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()


def test_a_list_or_scalar_body_is_400(api, agent):
    assert api.as_(agent).post(url(), [1, 2], format="json").status_code == 400
    assert api.as_(agent).post(url(), "42", format="json").status_code == 400


# --- read -----------------------------------------------------------------------------------


def test_detail_of_an_invisible_ticket_is_404(api, ticket, other_agent, requester):
    assert api.as_(other_agent).get(url(ticket)).status_code == 404
    stranger = factories.RequesterFactory()
    assert api.as_(stranger).get(url(ticket)).status_code == 404
    assert api.as_(requester).get(url(ticket)).status_code == 200


def test_ticket_shape(api, ticket, agent):
    flags.add_flag(ticket_id=ticket.pk, actor=agent, kind="vip")
    body = api.as_(agent).get(url(ticket)).json()
    assert {
        "id",
        "reference",
        "type",
        "status",
        "title",
        "description",
        "category",
        "priority",
        "urgency",
        "impact",
        "source",
        "external_id",
        "requester",
        "team",
        "owner",
        "sla",
        "priority_score",
        "flags",
        "allocation",
        "created_at",
        "updated_at",
        "resolved_at",
    } <= set(body)
    assert body["team"] == {"id": str(ticket.team_id), "name": ticket.team.name}
    assert body["flags"] == ["vip"]
    assert body["created_at"].endswith("Z") or "+00:00" in body["created_at"]


# --- update ---------------------------------------------------------------------------------


def test_patch_changes_fields(api, ticket, agent, other_team):
    response = api.as_(agent).patch(
        url(ticket), {"priority": "high", "team": str(other_team.pk), "title": "Better title"}
    )
    assert response.status_code == 200, response.json()
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.team, ticket.title) == ("high", other_team, "Better title")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"owner": 1}, "owner"),
        ({"status": "closed"}, "status"),
        ({"reference": "INC-1"}, "reference"),
        ({"priority_score": 99}, "priority_score"),
        ({"team": "not-a-uuid"}, "team"),
        ({"team": "00000000-0000-0000-0000-000000000000"}, "team"),
    ],
)
def test_patch_refuses_what_it_may_not_set_and_changes_nothing(api, ticket, agent, payload, field):
    before = api.as_(agent).get(url(ticket)).json()
    response = api.as_(agent).patch(url(ticket), payload | {"title": "changed?"})
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert api.as_(agent).get(url(ticket)).json() == before


def test_an_expert_on_an_envelope_sees_the_ticket_but_cannot_patch_it(
    api, ticket, agent, other_agent, other_team
):
    """Experts help on a ticket; they do not re-route or re-prioritise it (nor may any agent
    outside its team). The owner and the ticket's team may."""
    from escalations.actions.envelopes import accept_envelope, open_envelope

    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    envelope = open_envelope(ticket_id=ticket.pk, actor=agent, team=other_team, reason="Need DB")
    accept_envelope(envelope_id=envelope.pk, actor=other_agent)
    assert api.as_(other_agent).get(url(ticket)).status_code == 200  # the expert sees it

    before = api.as_(agent).get(url(ticket)).json()
    response = api.as_(other_agent).patch(url(ticket), {"team": str(other_team.pk)})
    assert response.status_code == 403, response.json()
    assert api.as_(agent).get(url(ticket)).json() == before
    assert not AuditLog.objects.filter(action="ticket.updated", ticket_id=ticket.pk).exists()

    assert api.as_(agent).patch(url(ticket), {"priority": "high"}).status_code == 200


def test_requester_cannot_patch(api, ticket, requester):
    assert api.as_(requester).patch(url(ticket), {"title": "mine"}).status_code == 403


def test_put_and_delete_are_405(api, ticket, manager):
    assert api.as_(manager).put(url(ticket), {"title": "x"}).status_code == 405
    response = api.as_(manager).delete(url(ticket))
    assert response.status_code == 405
    assert "errors" in response.json()


# --- actions --------------------------------------------------------------------------------


def test_accept_then_second_accept_is_409(api, ticket, agent, manager):
    response = api.as_(agent).post(url(ticket, "accept"))
    assert response.status_code == 200
    assert response.json()["owner"]["email"] == agent.email
    again = api.as_(manager).post(url(ticket, "accept"))
    assert again.status_code == 409
    assert "non_field_errors" in again.json()["errors"]


def test_accept_by_a_requester_is_403(api, ticket, requester):
    assert api.as_(requester).post(url(ticket, "accept")).status_code == 403


def test_full_lifecycle_over_http(api, ticket, agent, requester):
    client = api.as_(agent)
    assert client.post(url(ticket, "accept")).json()["status"] == "in_progress"
    assert client.post(url(ticket, "wait"), {"reason": "logs?"}).json()["status"] == "waiting"
    assert client.post(url(ticket, "resume")).json()["status"] == "in_progress"
    resolved = client.post(url(ticket, "resolve"), {"resolution": "Patched"}).json()
    assert resolved["status"] == "resolved" and resolved["resolved_at"]
    assert client.post(url(ticket, "reopen")).json()["status"] == "in_progress"
    client.post(url(ticket, "resolve"), {"resolution": "Patched again"})
    assert api.as_(requester).post(url(ticket, "close")).json()["status"] == "closed"
    assert client.post(url(ticket, "reopen")).status_code == 409


def test_invalid_transitions_are_409(api, ticket, manager):
    assert api.as_(manager).post(url(ticket, "resolve"), {"resolution": "x"}).status_code == 409
    assert api.as_(manager).post(url(ticket, "close")).status_code == 409
    assert api.as_(manager).post(url(ticket, "resume")).status_code == 409


def test_resolve_needs_a_resolution(api, ticket, agent):
    api.as_(agent).post(url(ticket, "accept"))
    response = api.as_(agent).post(url(ticket, "resolve"), {})
    assert response.status_code == 400
    assert "resolution" in response.json()["errors"]


def test_actions_refuse_unknown_body_fields(api, ticket, agent):
    response = api.as_(agent).post(url(ticket, "accept"), {"owner": 5})
    assert response.status_code == 400
    ticket.refresh_from_db()
    assert ticket.owner is None


def test_transfer(api, ticket, agent, manager, team):
    successor = factories.AgentFactory(teams=[team])
    api.as_(agent).post(url(ticket, "accept"))
    bad = api.as_(manager).post(
        url(ticket, "transfer"), {"to": successor.email, "reason": "vacation"}
    )
    assert bad.status_code == 400 and "reason" in bad.json()["errors"]
    forbidden = api.as_(agent).post(
        url(ticket, "transfer"), {"to": successor.email, "reason": "agent_terminated"}
    )
    assert forbidden.status_code == 403
    done = api.as_(manager).post(
        url(ticket, "transfer"), {"to": successor.email, "reason": "agent_terminated"}
    )
    assert done.status_code == 200
    assert done.json()["owner"]["email"] == successor.email
    assert AuditLog.objects.filter(ticket_id=ticket.pk, action="ticket.transferred").exists()
    assert any(
        "transferred" in e["content"]
        for e in api.as_(manager).get(url(ticket, "timeline")).json()["results"]
    )


def test_transfer_to_an_unknown_email_is_400(api, ticket, agent, manager):
    api.as_(agent).post(url(ticket, "accept"))
    response = api.as_(manager).post(
        url(ticket, "transfer"), {"to": "ghost@example.com", "reason": "agent_terminated"}
    )
    assert response.status_code == 400 and "to" in response.json()["errors"]


# --- timeline -------------------------------------------------------------------------------


@pytest.fixture
def mixed_timeline(ticket, agent):
    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    for visibility, text in (("public", "public-reply"), ("internal", "internal-secret")):
        timeline.add_timeline_entry(
            ticket_id=ticket.pk, actor=agent, type="note", visibility=visibility, content=text
        )
    factories.TimelineEntryFactory(ticket=ticket, visibility="envelope_only", content="expert-only")
    return ticket


def test_requester_timeline_is_public_only(api, mixed_timeline, requester):
    entries = api.as_(requester).get(url(mixed_timeline, "timeline")).json()["results"]
    assert {e["visibility"] for e in entries} == {"public"}
    assert "public-reply" in [e["content"] for e in entries]


def test_agent_timeline_has_internal_but_not_envelope_threads(api, mixed_timeline, agent):
    entries = api.as_(agent).get(url(mixed_timeline, "timeline")).json()["results"]
    contents = {e["content"] for e in entries}
    assert {"public-reply", "internal-secret"} <= contents
    assert "expert-only" not in contents


def test_search_never_reveals_internal_words_to_requesters(api, mixed_timeline, requester, agent):
    assert api.as_(requester).get(url(), {"q": "internal-secret"}).json()["count"] == 0
    assert api.as_(requester).get(url(), {"q": "expert-only"}).json()["count"] == 0
    assert api.as_(requester).get(url(), {"q": "public-reply"}).json()["count"] == 1
    assert api.as_(agent).get(url(), {"q": "internal-secret"}).json()["count"] == 1
    assert api.as_(agent).get(url(), {"q": "expert-only"}).json()["count"] == 0


def test_search_finds_what_people_wrote_not_the_system_s_own_lines(api, mixed_timeline, agent):
    """The system's lines stay on the timeline; searching for their words finds nothing (the
    filters answer "routed to which team"), a note's words find the ticket."""
    journal.record_system_entry(ticket=mixed_timeline, content="Routed to Zephyrdesk by rule")
    entries = api.as_(agent).get(url(mixed_timeline, "timeline")).json()["results"]
    assert "Routed to Zephyrdesk by rule" in [entry["content"] for entry in entries]
    assert api.as_(agent).get(url(), {"q": "zephyrdesk"}).json()["count"] == 0
    assert api.as_(agent).get(url(), {"q": "internal-secret"}).json()["count"] == 1


def test_post_to_timeline(api, ticket, requester, agent):
    created = api.as_(requester).post(
        url(ticket, "timeline"), {"type": "email", "visibility": "public", "content": "<b>hi</b>"}
    )
    assert created.status_code == 201
    assert created.json()["content"] == "<b>hi</b>"
    refused = api.as_(requester).post(
        url(ticket, "timeline"), {"type": "note", "visibility": "internal", "content": "x"}
    )
    assert refused.status_code == 403
    bad = api.as_(agent).post(
        url(ticket, "timeline"), {"type": "system", "visibility": "envelope_only", "content": ""}
    )
    assert bad.status_code == 400
    assert {"type", "visibility", "content"} <= set(bad.json()["errors"])


# --- tasks ----------------------------------------------------------------------------------


def test_tasks_over_http(api, ticket, agent, team):
    helper = factories.AgentFactory(teams=[team])
    api.as_(agent).post(url(ticket, "accept"))
    created = api.as_(agent).post(
        url(ticket, "tasks"),
        {"title": "Swap the SFP", "assigned_to": helper.email, "due_date": "2020-01-01T09:00:00Z"},
    )
    assert created.status_code == 201, created.json()
    task = created.json()
    assert task["assigned_to"]["email"] == helper.email
    assert task["overdue"] is True and task["envelope"] is None
    listed = api.as_(agent).get(url(ticket, "tasks")).json()["results"]
    assert [t["id"] for t in listed] == [task["id"]]
    moved = api.as_(helper).patch(f"/api/v1/tasks/{task['id']}/", {"status": "done"})
    assert moved.status_code == 200 and moved.json()["status"] == "done"
    back = api.as_(helper).patch(f"/api/v1/tasks/{task['id']}/", {"status": "todo"})
    assert back.status_code == 409
    junk = api.as_(helper).patch(f"/api/v1/tasks/{task['id']}/", {"status": "finished"})
    assert junk.status_code == 400


def test_a_closed_tickets_tasks_stay_as_they_were(api, ticket, agent):
    """Closed is final, tasks too (409, nothing changes); a resolved ticket's tasks may still be
    tidied up, since it can be reopened."""
    api.as_(agent).post(url(ticket, "accept"))
    tidied = tasks.create_task(ticket_id=ticket.pk, actor=agent, title="Order the spare")
    kept = tasks.create_task(ticket_id=ticket.pk, actor=agent, title="Swap the disk")
    assert api.as_(agent).post(url(ticket, "resolve"), {"resolution": "Done"}).status_code == 200
    moved = api.as_(agent).patch(f"/api/v1/tasks/{tidied.pk}/", {"status": "cancelled"})
    assert moved.status_code == 200 and moved.json()["status"] == "cancelled"
    assert api.as_(agent).post(url(ticket, "close")).status_code == 200

    refused = api.as_(agent).patch(f"/api/v1/tasks/{kept.pk}/", {"status": "done"})
    assert refused.status_code == 409
    assert "closed" in str(refused.json())
    kept.refresh_from_db()
    assert kept.status == "todo" and kept.completed_at is None


def test_a_resolved_ticket_takes_no_new_task(api, ticket, agent):
    """A state conflict like the others (409, nothing written), not a 400 of bad input."""
    api.as_(agent).post(url(ticket, "accept"))
    assert api.as_(agent).post(url(ticket, "resolve"), {"resolution": "Done"}).status_code == 200
    refused = api.as_(agent).post(url(ticket, "tasks"), {"title": "One more thing"})
    assert refused.status_code == 409
    assert refused.json() == {
        "errors": {"non_field_errors": ["The ticket is resolved: it takes no new tasks."]}
    }
    assert not ticket.tasks.exists()


def test_tasks_of_invisible_tickets_are_404(api, ticket, agent, other_agent, requester):
    api.as_(agent).post(url(ticket, "accept"))
    task = tasks.create_task(ticket_id=ticket.pk, actor=agent, title="x")
    assert api.as_(other_agent).get(f"/api/v1/tasks/{task.pk}/").status_code == 404
    assert api.as_(requester).get(f"/api/v1/tasks/{task.pk}/").status_code == 403
    assert api.as_(requester).get(url(ticket, "tasks")).status_code == 403


# --- list, filters, ordering ----------------------------------------------------------------
