"""The envelope endpoints of API.md, through the API: every path, the visibility matrix,
parallel envelopes, invalid transitions (409) and tasks under an envelope."""

import pytest

from escalations.actions import envelopes
from tests import factories
from tests.escalations.factories import EnvelopeFactory
from tickets.actions import lifecycle, ownership
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def envelopes_url(ticket) -> str:
    return f"/api/v1/tickets/{ticket.pk}/envelopes/"


def url(envelope, action: str = "") -> str:
    return f"/api/v1/envelopes/{envelope.pk if hasattr(envelope, 'pk') else envelope}/" + (
        f"{action}/" if action else ""
    )


def opened(api, ticket, owner, **body):
    response = api.as_(owner).post(envelopes_url(ticket), {"reason": "Need help", **body})
    assert response.status_code == 201, response.json()
    return response.json()


# --- open ------------------------------------------------------------------------------------


def test_owner_opens_an_envelope(api, owned, agent, dba):
    body = opened(api, owned, agent, team=str(dba.pk), reason="Replication lag")

    assert body["status"] == "pending"
    assert body["ticket"] == str(owned.pk)
    assert body["team"] == {"id": str(dba.pk), "name": dba.name}
    assert body["requested_by"]["email"] == agent.email
    assert (body["assigned_to"], body["agent"], body["reason"]) == (None, None, "Replication lag")
    ticket = api.as_(agent).get(f"/api/v1/tickets/{owned.pk}/").json()
    assert ticket["status"] == "escalated"
    assert ticket["owner"]["email"] == agent.email


def test_open_with_a_named_agent(api, owned, agent, expert):
    body = opened(api, owned, agent, agent=expert.email.upper(), team=None)
    assert (body["agent"]["email"], body["team"]) == (expert.email, None)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"reason": "x"}, "non_field_errors"),
        ({"reason": "x", "team": None, "agent": None}, "non_field_errors"),
        ({"reason": "x", "team": "00000000-0000-0000-0000-000000000000"}, "team"),
        ({"reason": "x", "team": "not-a-uuid"}, "team"),
        ({"reason": "x", "agent": "nobody@example.com"}, "agent"),
        ({"team": "DBA"}, "reason"),
        ({"reason": "x", "team": "DBA", "status": "active"}, "status"),
        ({"reason": "x", "team": "DBA", "assigned_to": "me"}, "assigned_to"),
    ],
)
def test_open_refuses_bad_input_with_400(api, owned, agent, dba, payload, field):
    payload = {k: (str(dba.pk) if v == "DBA" else v) for k, v in payload.items()}
    response = api.as_(agent).post(envelopes_url(owned), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_open_by_others(api, owned, dba, expert, other_agent, requester, manager):
    team_mate = factories.AgentFactory(teams=[owned.team])
    body = {"team": str(dba.pk), "reason": "x"}
    assert api.as_(team_mate).post(envelopes_url(owned), body).status_code == 403
    assert api.as_(manager).post(envelopes_url(owned), body).status_code == 403
    assert api.as_(requester).post(envelopes_url(owned), body).status_code == 403
    assert api.as_(other_agent).post(envelopes_url(owned), body).status_code == 404
    assert api.as_(expert).post(envelopes_url(owned), body).status_code == 404
    api.force_authenticate(user=None)
    assert api.post(envelopes_url(owned), body).status_code == 401


def test_open_on_a_ticket_that_is_not_in_progress_is_409(api, owned, agent, dba):
    lifecycle.wait_ticket(ticket_id=owned.pk, actor=agent)
    response = api.as_(agent).post(envelopes_url(owned), {"team": str(dba.pk), "reason": "x"})
    assert response.status_code == 409


def test_open_on_an_unknown_ticket_is_404(api, agent, dba):
    missing = "/api/v1/tickets/00000000-0000-0000-0000-000000000000/envelopes/"
    assert api.as_(agent).post(missing, {"team": str(dba.pk), "reason": "x"}).status_code == 404


# --- the whole path, with parallel envelopes ---------------------------------------------------


def test_parallel_envelopes_accept_thread_complete_cancel(
    api, owned, agent, dba, expert, other_team, other_agent
):
    first = opened(api, owned, agent, team=str(dba.pk))
    second = opened(api, owned, agent, team=str(other_team.pk))

    accepted = api.as_(expert).post(url(first["id"], "accept"))
    assert accepted.status_code == 200
    assert (accepted.json()["status"], accepted.json()["assigned_to"]["email"]) == (
        "active",
        expert.email,
    )
    assert api.as_(expert).post(url(first["id"], "accept")).status_code == 409

    posted = api.as_(expert).post(url(first["id"], "entries"), {"content": "Which database?"})
    assert posted.status_code == 201
    assert posted.json()["visibility"] == "envelope_only"
    assert (
        api.as_(agent).post(url(first["id"], "entries"), {"content": "orders"}).status_code == 201
    )
    thread = api.as_(agent).get(url(first["id"], "entries")).json()["results"]
    assert [e["content"] for e in thread] == ["Need help", "Which database?", "orders"]

    done = api.as_(expert).post(url(first["id"], "complete"), {"summary": "Index rebuilt"})
    assert done.status_code == 200
    assert done.json()["status"] == "completed" and done.json()["summary"] == "Index rebuilt"
    assert api.as_(agent).get(f"/api/v1/tickets/{owned.pk}/").json()["status"] == "escalated"

    cancelled = api.as_(agent).post(url(second["id"], "cancel"), {"reason": "Solved"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert api.as_(agent).get(f"/api/v1/tickets/{owned.pk}/").json()["status"] == "in_progress"

    timeline = api.as_(agent).get(f"/api/v1/tickets/{owned.pk}/timeline/").json()["results"]
    summary = [e for e in timeline if "Index rebuilt" in e["content"]]
    assert [e["visibility"] for e in summary] == ["internal"]
    assert all(e["visibility"] != "envelope_only" for e in timeline)
    assert not any("Which database?" in e["content"] for e in timeline)


def test_invalid_transitions_answer_409(api, owned, agent, dba, expert):
    pending = opened(api, owned, agent, team=str(dba.pk))
    assert api.as_(agent).post(url(pending["id"], "complete"), {"summary": "x"}).status_code == 409
    assert api.as_(agent).post(url(pending["id"], "cancel")).status_code == 200
    assert api.as_(agent).post(url(pending["id"], "cancel")).status_code == 409
    assert api.as_(expert).post(url(pending["id"], "accept")).status_code == 404  # gone for them
    assert api.as_(agent).post(url(pending["id"], "entries"), {"content": "x"}).status_code == 409

    active = opened(api, owned, agent, team=str(dba.pk))
    api.as_(expert).post(url(active["id"], "accept"))
    api.as_(expert).post(url(active["id"], "complete"), {"summary": "done"})
    response = api.as_(expert).post(url(active["id"], "complete"), {"summary": "again"})
    assert response.status_code == 409
    assert "errors" in response.json()
    assert api.as_(agent).post(url(active["id"], "cancel")).status_code == 409


def test_role_refusals_are_403_for_those_who_see_the_envelope(api, owned, agent, dba, expert):
    envelope = opened(api, owned, agent, team=str(dba.pk))
    assert api.as_(agent).post(url(envelope["id"], "accept")).status_code == 403  # owner
    api.as_(expert).post(url(envelope["id"], "accept"))
    assert api.as_(expert).post(url(envelope["id"], "cancel")).status_code == 403


@pytest.mark.parametrize(
    ("action", "payload"),
    [("complete", {}), ("complete", {"summary": ""}), ("entries", {"content": ""})],
)
def test_missing_text_is_400(api, owned, agent, dba, expert, action, payload):
    envelope = opened(api, owned, agent, team=str(dba.pk))
    api.as_(expert).post(url(envelope["id"], "accept"))
    assert api.as_(expert).post(url(envelope["id"], action), payload).status_code == 400


# --- visibility matrix -----------------------------------------------------------------------


def test_visibility_matrix(
    api, owned, agent, dba, expert, expert2, other_team, other_agent, manager, admin_user, requester
):
    """Who sees envelope A (dba) and its thread, and envelope B (other_team)."""
    a = opened(api, owned, agent, team=str(dba.pk))
    b = opened(api, owned, agent, team=str(other_team.pk))
    ticket_team_mate = factories.AgentFactory(teams=[owned.team])
    outsider = factories.AgentFactory(teams=[factories.TeamFactory(slug="hr")])

    def sees(user, envelope) -> bool:
        detail = api.as_(user).get(url(envelope["id"])).status_code
        thread = api.as_(user).get(url(envelope["id"], "entries")).status_code
        assert detail == thread and detail in (200, 404)
        return detail == 200

    pending = {
        "owner": (agent, True, True),
        "manager": (manager, True, True),
        "admin": (admin_user, True, True),
        "dba expert (pending, own team)": (expert, True, False),
        "other_team agent (pending, own team)": (other_agent, False, True),
        "agent of the ticket's team": (ticket_team_mate, False, False),
        "outsider": (outsider, False, False),
        "requester": (requester, False, False),
    }
    for who, (user, sees_a, sees_b) in pending.items():
        assert (sees(user, a), sees(user, b)) == (sees_a, sees_b), who

    api.as_(expert).post(url(a["id"], "accept"))
    assert sees(expert, a) and not sees(expert, b)
    assert not sees(expert2, a)  # a team mate: the envelope is no longer waiting for the team
    assert api.as_(expert2).get(f"/api/v1/tickets/{owned.pk}/").status_code == 404
    assert api.as_(expert).get(f"/api/v1/tickets/{owned.pk}/").status_code == 200

    api.as_(expert).post(url(a["id"], "complete"), {"summary": "secret finding"})
    assert sees(expert, a)  # the expert keeps the history of what they held
    assert api.as_(expert).get(f"/api/v1/tickets/{owned.pk}/").status_code == 200


def test_requesters_never_see_envelopes_threads_or_summaries(
    api, owned, agent, dba, expert, requester
):
    envelope = opened(api, owned, agent, team=str(dba.pk), reason="private reason")
    api.as_(expert).post(url(envelope["id"], "accept"))
    api.as_(expert).post(url(envelope["id"], "entries"), {"content": "thread secret"})
    api.as_(expert).post(url(envelope["id"], "complete"), {"summary": "summary secret"})

    as_requester = api.as_(requester)
    assert as_requester.get(f"/api/v1/tickets/{owned.pk}/").status_code == 200
    assert as_requester.get(envelopes_url(owned)).json()["results"] == []
    assert as_requester.get("/api/v1/envelopes/").json()["results"] == []
    assert as_requester.get(url(envelope["id"])).status_code == 404
    assert as_requester.get(url(envelope["id"], "entries")).status_code == 404
    assert as_requester.post(url(envelope["id"], "entries"), {"content": "x"}).status_code == 404
    timeline = as_requester.get(f"/api/v1/tickets/{owned.pk}/timeline/").content.decode()
    for secret in ("private reason", "thread secret", "summary secret", "Envelope"):
        assert secret not in timeline


def test_ticket_envelope_list_shows_what_the_caller_may_see(
    api, owned, agent, dba, expert, other_team, manager
):
    a = opened(api, owned, agent, team=str(dba.pk))
    b = opened(api, owned, agent, team=str(other_team.pk))

    def ids(user) -> list[str]:
        return [e["id"] for e in api.as_(user).get(envelopes_url(owned)).json()["results"]]

    assert ids(agent) == ids(manager) == [a["id"], b["id"]]
    assert ids(expert) == [a["id"]]


def test_envelope_list_filters(api, owned, agent, dba, other_team, manager, expert):
    a = opened(api, owned, agent, team=str(dba.pk))
    b = opened(api, owned, agent, team=str(other_team.pk))
    api.as_(expert).post(url(a["id"], "accept"))

    def got(query: str) -> list[str]:
        response = api.as_(manager).get(f"/api/v1/envelopes/?{query}")
        return [e["id"] for e in response.json()["results"]]

    assert got("status=active") == [a["id"]]
    assert got("status=pending&status=active") == [a["id"], b["id"]]
    assert got(f"team={other_team.pk}") == [b["id"]]
    assert got("ticket=00000000-0000-0000-0000-000000000000") == []
    assert api.as_(manager).get("/api/v1/envelopes/?status=nope").status_code == 400
    assert api.as_(manager).get("/api/v1/envelopes/?team=nope").status_code == 400


# --- tasks under an envelope -----------------------------------------------------------------


def test_tasks_under_an_envelope(api, owned, agent, dba, expert):
    envelope = opened(api, owned, agent, team=str(dba.pk))
    tasks_url = f"/api/v1/tickets/{owned.pk}/tasks/"
    created = api.as_(agent).post(
        tasks_url, {"title": "Collect slow query log", "envelope": envelope["id"]}
    )
    assert created.status_code == 201, created.json()
    assert created.json()["envelope"] == envelope["id"]
    listed = api.as_(agent).get(tasks_url).json()["results"]
    assert [t["envelope"] for t in listed] == [envelope["id"]]

    api.as_(expert).post(url(envelope["id"], "accept"))
    by_expert = api.as_(expert).post(tasks_url, {"title": "Rebuild", "envelope": envelope["id"]})
    assert by_expert.status_code == 201
    standalone = api.as_(expert).post(tasks_url, {"title": "Not theirs to add"})
    assert standalone.status_code == 403


def test_a_task_refuses_an_envelope_of_another_ticket_or_a_closed_one(
    api, owned, agent, dba, team, requester
):
    other = factories.TicketFactory(team=team, requester=requester.contact)
    ownership.accept_ticket(ticket_id=other.pk, actor=agent)
    foreign = opened(api, other, agent, team=str(dba.pk))
    tasks_url = f"/api/v1/tickets/{owned.pk}/tasks/"
    response = api.as_(agent).post(tasks_url, {"title": "x", "envelope": foreign["id"]})
    assert response.status_code == 400 and "envelope" in response.json()["errors"]
    response = api.as_(agent).post(tasks_url, {"title": "x", "envelope": "not-a-uuid"})
    assert response.status_code == 400

    mine = opened(api, owned, agent, team=str(dba.pk))
    api.as_(agent).post(url(mine["id"], "cancel"))
    response = api.as_(agent).post(tasks_url, {"title": "x", "envelope": mine["id"]})
    assert response.status_code == 400 and "envelope" in response.json()["errors"]


# --- query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [5, 50])
def test_envelope_lists_do_not_grow_with_rows(
    api, owned, agent, dba, expert, manager, rows, django_assert_max_num_queries
):
    EnvelopeFactory.create_batch(rows, ticket=owned, team=dba, agent=expert, requested_by=agent)
    envelope = owned.envelopes.first()
    for n in range(rows):
        envelopes.add_envelope_entry(envelope_id=envelope.pk, actor=agent, content=f"entry {n}")
    for user, path in (
        (agent, envelopes_url(owned)),
        (manager, "/api/v1/envelopes/?page_size=100"),
        (expert, "/api/v1/envelopes/?page_size=100"),
        (agent, url(envelope, "entries") + "?page_size=100"),
    ):
        client = api.as_(user)
        with django_assert_max_num_queries(5):
            response = client.get(path)
        assert response.status_code == 200
        assert response.json()["count"] >= min(rows, 25)


def test_ticket_list_for_an_expert_has_no_duplicates(api, owned, agent, dba, expert):
    for _ in range(3):
        EnvelopeFactory(ticket=owned, team=dba, requested_by=agent)
    listed = api.as_(expert).get("/api/v1/tickets/").json()
    assert [t["id"] for t in listed["results"]] == [str(owned.pk)]
    assert Ticket.objects.count() == 1
