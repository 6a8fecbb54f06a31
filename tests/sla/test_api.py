"""/api/v1/tickets/ `sla` field and `sla_state` filter; /api/v1/sla/policies/;
/api/v1/reminders/ (the caller's own)."""

from datetime import timedelta

import pytest

from sla.models import Reminder, SLAClock, SLAPolicy
from tests import factories
from tests.sla.conftest import T0
from tests.sla.factories import ReminderFactory
from tickets.actions import lifecycle, ownership

pytestmark = pytest.mark.django_db


def test_ticket_detail_shows_the_sla(api, clock, policy, open_ticket, manager):
    ticket = open_ticket()
    clock.shift(50)

    body = api.as_(manager).get(f"/api/v1/tickets/{ticket.pk}/").json()

    assert body["sla"] == {
        "policy": "Network incidents",
        "first_response_due": "2026-03-02T10:00:00Z",
        "resolution_due": "2026-03-02T13:00:00Z",
        "state": "warning",  # worked out now, even before the scan ran
        "paused": False,
    }


@pytest.mark.parametrize("state", ["ok", "warning", "breached", "paused", "met"])
def test_sla_state_filter(api, clock, policy, open_ticket, manager, agent, state):
    fresh, warned, breached, waiting, resolved = (open_ticket() for _ in range(5))
    for ticket in (waiting, resolved):
        ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    lifecycle.wait_ticket(ticket_id=waiting.pk, actor=agent)
    lifecycle.resolve_ticket(ticket_id=resolved.pk, actor=agent, resolution="done")
    clock.shift(10)
    # Make two clocks cross without waiting 45 and 240 minutes (and without a scan).
    SLAClock.objects.filter(ticket=warned).update(first_response_warn_at=T0)
    SLAClock.objects.filter(ticket=breached).update(resolution_due=T0)
    expected = {
        "ok": fresh,
        "warning": warned,
        "breached": breached,
        "paused": waiting,
        "met": resolved,
    }

    body = api.as_(manager).get("/api/v1/tickets/", {"sla_state": state}).json()

    assert [row["id"] for row in body["results"]] == [str(expected[state].pk)]
    assert body["results"][0]["sla"]["state"] == state


def test_bad_sla_state_is_a_400(api, manager):
    response = api.as_(manager).get("/api/v1/tickets/", {"sla_state": "late"})
    assert response.status_code == 400
    assert "sla_state" in response.json()["errors"]


def test_ticket_list_query_count_is_constant(
    api, clock, policy, open_ticket, manager, django_assert_max_num_queries
):
    def count_for(how_many: int) -> int:
        for _ in range(how_many):
            open_ticket()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert api.as_(manager).get("/api/v1/tickets/", {"page_size": 100}).status_code == 200
        return len(captured)

    few = count_for(5)
    many = count_for(45)
    assert few == many
    with django_assert_max_num_queries(few):
        api.as_(manager).get("/api/v1/tickets/", {"page_size": 100})


def test_policies_staff_read_admin_write(api, agent, admin_user):
    listed = api.as_(agent).get("/api/v1/sla/policies/")
    assert listed.status_code == 200
    names = {row["name"] for row in listed.json()["results"]}
    assert {"Default", "Critical", "VIP critical"} <= names

    body = {
        "name": "Printers",
        "category": "printer",
        "calendar": "business-hours",
        "first_response_minutes": 120,
        "resolution_minutes": 960,
        "warning_lead_minutes": 30,
        "escalation_actions": [{"at": "breach", "notify": ["team", "managers"]}],
    }
    assert api.as_(agent).post("/api/v1/sla/policies/", body).status_code == 403
    created = api.as_(admin_user).post("/api/v1/sla/policies/", body)
    assert created.status_code == 201, created.json()
    assert created.json()["calendar"]["slug"] == "business-hours"

    policy_id = created.json()["id"]
    changed = api.as_(admin_user).patch(
        f"/api/v1/sla/policies/{policy_id}/", {"resolution_minutes": 480}
    )
    assert changed.status_code == 200
    assert SLAPolicy.objects.get(pk=policy_id).resolution_minutes == 480


@pytest.mark.parametrize(
    "body",
    [
        {"first_response_minutes": 0},
        {"calendar": "nope"},
        {"escalation_actions": [{"at": "later", "notify": ["owner"]}]},
        {"owner": "x"},
        {"is_default": False},  # the default stays the default
    ],
)
def test_policy_input_errors_are_400(api, admin_user, body):
    default = SLAPolicy.objects.get(is_default=True)
    response = api.as_(admin_user).patch(f"/api/v1/sla/policies/{default.pk}/", body)
    assert response.status_code == 400
    assert "errors" in response.json()


def test_requesters_cannot_read_policies(api, requester):
    assert api.as_(requester).get("/api/v1/sla/policies/").status_code == 403


def test_reminders_are_the_callers_own(api, clock, agent, other_agent, ticket):
    mine = ReminderFactory(user=agent, ticket=ticket)
    ReminderFactory(user=other_agent)

    listed = api.as_(agent).get("/api/v1/reminders/").json()
    assert [row["id"] for row in listed["results"]] == [str(mine.pk)]

    others = Reminder.objects.exclude(user=agent).get()
    assert api.as_(agent).get(f"/api/v1/reminders/{others.pk}/").status_code == 404
    assert api.as_(agent).post(f"/api/v1/reminders/{others.pk}/complete/").status_code == 404


def test_reminder_lifecycle_through_the_api(api, clock, agent, ticket, manager):
    created = api.as_(agent).post(
        "/api/v1/reminders/",
        {
            "ticket": str(ticket.pk),
            "message": "Check the fix held",
            "trigger_at": (T0 + timedelta(hours=2)).isoformat(),
            "frequency": "weekly",
            "interval": 1,
        },
    )
    assert created.status_code == 201, created.json()
    reminder_id = created.json()["id"]
    assert created.json()["ticket"]["reference"] == ticket.reference

    snoozed = api.as_(agent).post(f"/api/v1/reminders/{reminder_id}/snooze/", {"minutes": 30})
    assert snoozed.json()["trigger_at"] == "2026-03-02T09:30:00Z"
    assert api.as_(agent).post(f"/api/v1/reminders/{reminder_id}/snooze/", {}).status_code == 400

    patched = api.as_(agent).patch(f"/api/v1/reminders/{reminder_id}/", {"message": "New"})
    assert patched.json()["message"] == "New"

    done = api.as_(agent).post(f"/api/v1/reminders/{reminder_id}/complete/")
    assert done.json()["status"] == "done"

    assert api.as_(agent).delete(f"/api/v1/reminders/{reminder_id}/").status_code == 204
    assert Reminder.objects.get(pk=reminder_id).status == "cancelled"


def test_reminder_on_an_invisible_ticket_is_400(api, clock, other_agent, ticket):
    response = api.as_(other_agent).post(
        "/api/v1/reminders/",
        {"ticket": str(ticket.pk), "message": "x", "trigger_at": "2026-03-03T10:00:00Z"},
    )
    assert response.status_code == 400
    assert "ticket" in response.json()["errors"]


def test_reminder_list_query_count_is_constant(
    api, clock, agent, team, django_assert_max_num_queries
):
    def count_for(how_many: int) -> int:
        for _ in range(how_many):
            ReminderFactory(user=agent, ticket=factories.TicketFactory(team=team))
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            api.as_(agent).get("/api/v1/reminders/", {"page_size": 100})
        return len(captured)

    api.as_(agent).get("/api/v1/reminders/")  # the caller's role is looked up once
    few = count_for(5)
    assert few == count_for(45)
    with django_assert_max_num_queries(few):
        api.as_(agent).get("/api/v1/reminders/", {"page_size": 100})
