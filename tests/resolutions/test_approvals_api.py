"""Tier-2 approval through the API: who may decide (the team's lead or a manager; not the
agent who asked, nor another team's lead), the reason, the agent told of the outcome."""

import pytest

from notifications.models import Notification
from resolutions.models import ApprovalRequest, Resolution
from tests import factories
from tickets.actions import ownership

pytestmark = pytest.mark.django_db

BODY = {
    "what_went_wrong": "damaged_in_transit",
    "what_went_wrong_text": "Box crushed",
    "why_eligible": "warranty",
    "why_eligible_text": "",
    "type": "refund",
    "amount": "150.00",
    "currency": "EUR",
}


def url(ticket) -> str:
    return f"/api/v1/tickets/{ticket.pk}/resolutions/"


@pytest.fixture
def pending(api, owned, agent, config, lead):
    answer = api.as_(agent).post(url(owned), BODY, format="json")
    assert answer.status_code == 201, answer.json()
    return ApprovalRequest.objects.get(resolution_id=answer.json()["id"])


def test_create_answers_201_with_tier_and_status(api, owned, agent, config):
    answer = api.as_(agent).post(url(owned), {**BODY, "amount": "50.00"}, format="json")
    assert answer.status_code == 201
    body = answer.json()
    assert (body["tier"], body["status"], body["amount"], body["currency"]) == (
        "agent",
        "approved",
        "50.00",
        "EUR",
    )
    assert body["approval"] is None
    listed = api.get(url(owned)).json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]


def test_the_lead_is_told_and_sees_the_request_in_the_queue(api, pending, lead, agent):
    assert Notification.objects.filter(user=lead, event_type="approval").exists()
    queue = api.as_(lead).get("/api/v1/approvals/").json()["results"]
    assert [row["id"] for row in queue] == [str(pending.pk)]
    assert queue[0]["resolution"]["status"] == "pending_approval"
    assert api.as_(agent).get("/api/v1/approvals/").json()["results"] == []


def test_the_lead_approves_and_the_agent_is_told(api, pending, lead, agent):
    answer = api.as_(lead).post(
        f"/api/v1/approvals/{pending.pk}/approve/", {"reason": "Fair"}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["status"] == "approved"
    assert answer.json()["resolution"]["status"] == "approved"
    note = Notification.objects.get(user=agent, event_type="approval")
    assert "approved" in note.title
    again = api.post(f"/api/v1/approvals/{pending.pk}/approve/", {}, format="json")
    assert again.status_code == 409


def test_a_manager_rejects_with_a_reason(api, pending, manager, agent):
    no_reason = api.as_(manager).post(f"/api/v1/approvals/{pending.pk}/reject/", {}, format="json")
    assert no_reason.status_code == 400
    assert "reason" in no_reason.json()["errors"]
    answer = api.post(
        f"/api/v1/approvals/{pending.pk}/reject/", {"reason": "Not covered"}, format="json"
    )
    assert answer.status_code == 200
    assert Resolution.objects.get().status == "rejected"
    note = Notification.objects.get(user=agent, event_type="approval")
    assert "rejected" in note.title and "Not covered" in note.body


def test_the_agent_may_not_approve_their_own(api, pending, agent):
    answer = api.as_(agent).post(f"/api/v1/approvals/{pending.pk}/approve/", {}, format="json")
    assert answer.status_code == 403
    assert answer.json()["errors"]["non_field_errors"]
    assert ApprovalRequest.objects.get().status == "pending"


def test_a_lead_who_asked_needs_someone_else(api, owned, config, lead, manager):
    # The lead owns this one: their own request waits for a manager, not for themselves.
    ticket = factories.TicketFactory(team=owned.team)
    ownership.accept_ticket(ticket_id=ticket.pk, actor=lead)
    made = api.as_(lead).post(url(ticket), BODY, format="json").json()
    approval = ApprovalRequest.objects.get(resolution_id=made["id"])
    assert api.get("/api/v1/approvals/").json()["results"] == []
    assert (
        api.post(f"/api/v1/approvals/{approval.pk}/approve/", {}, format="json").status_code == 403
    )
    assert (
        api.as_(manager)
        .post(f"/api/v1/approvals/{approval.pk}/approve/", {}, format="json")
        .status_code
        == 200
    )


def test_another_teams_lead_may_not_decide(api, pending, other_lead):
    assert api.as_(other_lead).get("/api/v1/approvals/").json()["results"] == []
    answer = api.post(f"/api/v1/approvals/{pending.pk}/approve/", {}, format="json")
    assert answer.status_code in (403, 404)
    assert ApprovalRequest.objects.get().status == "pending"


def test_a_lead_of_another_team_who_sees_the_ticket_is_still_refused(
    api,
    pending,
    other_lead,
    owned,
):
    factories.TaskFactory(ticket=owned, assigned_to=other_lead)  # now they see the ticket
    answer = api.as_(other_lead).post(f"/api/v1/approvals/{pending.pk}/approve/", {}, format="json")
    assert answer.status_code == 403


def test_tier3_is_for_managers_only(api, owned, agent, config, lead, manager):
    made = api.as_(agent).post(url(owned), {**BODY, "amount": "200.01"}, format="json").json()
    assert (made["tier"], made["status"]) == ("manager", "pending_approval")
    approval = ApprovalRequest.objects.get(resolution_id=made["id"])
    assert api.as_(lead).get("/api/v1/approvals/").json()["results"] == []
    assert (
        api.post(f"/api/v1/approvals/{approval.pk}/approve/", {}, format="json").status_code == 403
    )
    assert Notification.objects.filter(user=manager, event_type="approval").exists()
    assert (
        api.as_(manager)
        .post(f"/api/v1/approvals/{approval.pk}/approve/", {}, format="json")
        .status_code
        == 200
    )


def test_the_queue_status_filter(api, pending, lead):
    api.as_(lead).post(f"/api/v1/approvals/{pending.pk}/approve/", {}, format="json")
    assert api.get("/api/v1/approvals/").json()["results"] == []
    assert len(api.get("/api/v1/approvals/?status=approved").json()["results"]) == 1
    bad = api.get("/api/v1/approvals/?status=maybe")
    assert bad.status_code == 400 and "status" in bad.json()["errors"]
