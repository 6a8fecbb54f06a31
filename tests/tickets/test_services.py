import re

import pytest
from django.db import transaction
from django.utils import timezone

from core.exceptions import (
    DomainValidationError,
    InvalidTransition,
    NotPermitted,
    OwnershipLocked,
)
from core.models import AuditLog, OutboxEvent
from tests import factories
from tickets.actions import (
    creation,
    flags,
    lifecycle,
    ownership,
    tasks,
    timeline,
    updates,
)
from tickets.lifecycle import TaskStatus, TicketStatus
from tickets.models import Contact, Ticket, TimelineEntry

pytestmark = pytest.mark.django_db


def new_ticket(**overrides) -> creation.NewTicket:
    values = {"title": "VPN is down", "requester_email": "pat@customer.example"}
    return creation.NewTicket(**(values | overrides))


def owned(ticket, agent) -> Ticket:
    return ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)


# --- create ---------------------------------------------------------------------------------


def test_create_ticket_numbers_by_type_and_year(agent):
    year = timezone.now().year
    first = creation.create_ticket(actor=agent, data=new_ticket())
    second = creation.create_ticket(actor=agent, data=new_ticket())
    change = creation.create_ticket(actor=agent, data=new_ticket(type="change"))
    assert first.reference == f"INC-{year}-000001"
    assert second.reference == f"INC-{year}-000002"
    assert change.reference == f"CHG-{year}-000001"
    for prefix, kind in (("REQ", "request"), ("PRB", "problem")):
        ticket = creation.create_ticket(actor=agent, data=new_ticket(type=kind))
        assert re.fullmatch(rf"{prefix}-{year}-\d{{6}}", ticket.reference)


def test_create_ticket_starts_new_unowned_with_contact_timeline_and_audit(agent):
    ticket = creation.create_ticket(
        actor=agent,
        data=new_ticket(requester_name="Pat Doe", urgency="1", impact="1", source="jira"),
    )
    assert ticket.status == TicketStatus.NEW
    assert ticket.owner is None
    assert ticket.priority == "critical"  # derived from urgency x impact
    assert ticket.priority_score > 0
    assert Contact.objects.get(email="pat@customer.example").name == "Pat Doe"
    created = ticket.timeline.filter(type=TimelineEntry.Type.SYSTEM).order_by("created_at")
    assert created[0].content == "Ticket created from jira."
    assert AuditLog.objects.filter(ticket_id=ticket.pk, action="ticket.created").count() == 1
    assert list(
        OutboxEvent.objects.filter(stream=f"ticket:{ticket.pk}").values_list("name", flat=True)
    ) == ["ticket.created", "ticket.routed"]  # routed after the commit, by routing


def test_create_ticket_writes_its_event_with_the_change(agent):
    """The event is a row of the creating transaction: rolled back with it."""
    with pytest.raises(RuntimeError), transaction.atomic():
        creation.create_ticket(actor=agent, data=new_ticket())
        assert OutboxEvent.objects.filter(name="ticket.created").count() == 1
        raise RuntimeError("roll back")
    assert not OutboxEvent.objects.exists()


def test_explicit_priority_wins_over_the_matrix(agent):
    ticket = creation.create_ticket(
        actor=agent, data=new_ticket(priority="low", urgency="1", impact="1")
    )
    assert ticket.priority == "low"


def test_requester_opens_tickets_for_themselves_only(requester):
    mine = creation.create_ticket(actor=requester, data=new_ticket(requester_email=requester.email))
    assert mine.requester.user == requester
    with pytest.raises(NotPermitted):
        creation.create_ticket(actor=requester, data=new_ticket(requester_email="x@y.example"))


def test_create_refuses_blank_title_and_unknown_type_without_writing(agent):
    with pytest.raises(DomainValidationError) as blank:
        creation.create_ticket(actor=agent, data=new_ticket(title="   "))
    assert "title" in blank.value.errors
    with pytest.raises(DomainValidationError) as kind:
        creation.create_ticket(actor=agent, data=new_ticket(type="outage"))
    assert "type" in kind.value.errors
    assert Ticket.objects.count() == 0
    assert Contact.objects.count() == 0  # the contact came in the same transaction


def test_existing_contact_is_reused_case_insensitively(agent):
    contact = factories.ContactFactory(email="pat@customer.example")
    ticket = creation.create_ticket(
        actor=agent, data=new_ticket(requester_email="PAT@customer.example")
    )
    assert ticket.requester == contact


# --- accept ---------------------------------------------------------------------------------


def test_agent_of_the_team_accepts(ticket, agent):
    accepted = owned(ticket, agent)
    assert accepted.owner == agent
    assert accepted.status == TicketStatus.IN_PROGRESS
    assert accepted.accepted_at is not None
    assert AuditLog.objects.filter(ticket_id=ticket.pk, action="ticket.accepted").exists()


def test_second_accept_is_refused_and_owner_kept(ticket, agent, manager):
    owned(ticket, agent)
    with pytest.raises(OwnershipLocked):
        ownership.accept_ticket(ticket_id=ticket.pk, actor=manager)
    ticket.refresh_from_db()
    assert ticket.owner == agent


def test_agent_of_another_team_cannot_accept(ticket, other_agent, requester):
    for actor in (other_agent, requester):
        with pytest.raises(NotPermitted):
            ownership.accept_ticket(ticket_id=ticket.pk, actor=actor)
    ticket.refresh_from_db()
    assert ticket.owner is None


def test_manager_and_admin_may_accept_any_ticket(team, manager, admin_user):
    first = factories.TicketFactory(team=team)
    second = factories.TicketFactory(team=None)
    assert owned(first, manager).owner == manager
    assert owned(second, admin_user).owner == admin_user


# --- transfer -------------------------------------------------------------------------------


def test_manager_transfers_for_a_departed_agent(ticket, agent, manager, team):
    owned(ticket, agent)
    successor = factories.AgentFactory(teams=[team])
    result = ownership.transfer_ownership(
        ticket_id=ticket.pk, actor=manager, to_user=successor, reason="agent_terminated"
    )
    assert result.owner == successor
    assert ticket.timeline.filter(content__contains="transferred").exists()
    audit = AuditLog.objects.get(ticket_id=ticket.pk, action="ticket.transferred")
    assert audit.data == {"from": agent.pk, "to": successor.pk, "reason": "agent_terminated"}


@pytest.mark.parametrize("reason", ["", "workload", "agent_terminated "])
def test_transfer_needs_one_of_the_two_reasons(ticket, agent, manager, other_agent, reason):
    owned(ticket, agent)
    with pytest.raises(DomainValidationError) as error:
        ownership.transfer_ownership(
            ticket_id=ticket.pk, actor=manager, to_user=other_agent, reason=reason
        )
    assert "reason" in error.value.errors
    ticket.refresh_from_db()
    assert ticket.owner == agent


def test_agents_cannot_transfer(ticket, agent, other_agent):
    owned(ticket, agent)
    with pytest.raises(NotPermitted):
        ownership.transfer_ownership(
            ticket_id=ticket.pk, actor=agent, to_user=other_agent, reason="agent_terminated"
        )


def test_transfer_needs_an_owner_and_an_active_agent(ticket, manager, requester, other_agent):
    with pytest.raises(DomainValidationError):
        ownership.transfer_ownership(
            ticket_id=ticket.pk, actor=manager, to_user=other_agent, reason="agent_terminated"
        )
    with pytest.raises(DomainValidationError) as error:
        ownership.transfer_ownership(
            ticket_id=ticket.pk, actor=manager, to_user=requester, reason="agent_terminated"
        )
    assert "to" in error.value.errors


# --- status changes -------------------------------------------------------------------------


def test_full_lifecycle(ticket, agent):
    owned(ticket, agent)
    assert lifecycle.wait_ticket(ticket_id=ticket.pk, actor=agent).status == "waiting"
    assert lifecycle.resume_ticket(ticket_id=ticket.pk, actor=agent).status == "in_progress"
    resolved = lifecycle.resolve_ticket(ticket_id=ticket.pk, actor=agent, resolution="Rebooted.")
    assert (resolved.status, resolved.resolution) == ("resolved", "Rebooted.")
    assert resolved.resolved_at is not None
    reopened = lifecycle.reopen_ticket(ticket_id=ticket.pk, actor=agent)
    assert (reopened.status, reopened.resolved_at) == ("in_progress", None)
    lifecycle.resolve_ticket(ticket_id=ticket.pk, actor=agent, resolution="Replaced cable.")
    closed = lifecycle.close_ticket(ticket_id=ticket.pk, actor=agent)
    assert closed.status == "closed" and closed.closed_at is not None
    actions = list(
        AuditLog.objects.filter(ticket_id=ticket.pk).order_by("pk").values_list("action", flat=True)
    )
    assert actions[-6:] == [
        "ticket.waiting",
        "ticket.in_progress",
        "ticket.resolved",
        "ticket.in_progress",
        "ticket.resolved",
        "ticket.closed",
    ]


@pytest.mark.parametrize(
    "action",
    [
        lambda t, a: lifecycle.wait_ticket(ticket_id=t.pk, actor=a),
        lambda t, a: lifecycle.resume_ticket(ticket_id=t.pk, actor=a),
        lambda t, a: lifecycle.resolve_ticket(ticket_id=t.pk, actor=a, resolution="x"),
        lambda t, a: lifecycle.reopen_ticket(ticket_id=t.pk, actor=a),
        lambda t, a: lifecycle.close_ticket(ticket_id=t.pk, actor=a),
    ],
)
def test_a_new_ticket_only_moves_by_accept(ticket, manager, action):
    with pytest.raises(InvalidTransition):
        action(ticket, manager)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW


def test_closed_ticket_cannot_be_reopened(ticket, agent):
    owned(ticket, agent)
    lifecycle.resolve_ticket(ticket_id=ticket.pk, actor=agent, resolution="done")
    lifecycle.close_ticket(ticket_id=ticket.pk, actor=agent)
    with pytest.raises(InvalidTransition):
        lifecycle.reopen_ticket(ticket_id=ticket.pk, actor=agent)


def test_only_owner_manager_or_admin_work_the_ticket(ticket, agent, team):
    owned(ticket, agent)
    teammate = factories.AgentFactory(teams=[team])
    with pytest.raises(NotPermitted):
        lifecycle.resolve_ticket(ticket_id=ticket.pk, actor=teammate, resolution="mine now")


def test_resolution_text_is_required(ticket, agent):
    owned(ticket, agent)
    with pytest.raises(DomainValidationError):
        lifecycle.resolve_ticket(ticket_id=ticket.pk, actor=agent, resolution="  ")


def test_requester_may_reopen_and_close_their_own_ticket(ticket, agent, requester):
    owned(ticket, agent)
    lifecycle.resolve_ticket(ticket_id=ticket.pk, actor=agent, resolution="done")
    assert lifecycle.reopen_ticket(ticket_id=ticket.pk, actor=requester).status == "in_progress"
    lifecycle.resolve_ticket(ticket_id=ticket.pk, actor=agent, resolution="done again")
    assert lifecycle.close_ticket(ticket_id=ticket.pk, actor=requester).status == "closed"


# --- timeline -------------------------------------------------------------------------------


def test_requester_reply_resumes_a_waiting_ticket(ticket, agent, requester):
    owned(ticket, agent)
    lifecycle.wait_ticket(ticket_id=ticket.pk, actor=agent)
    timeline.add_timeline_entry(
        ticket_id=ticket.pk, actor=requester, type="email", visibility="public", content="Here."
    )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_PROGRESS


def test_requester_cannot_post_internal(ticket, requester):
    with pytest.raises(NotPermitted):
        timeline.add_timeline_entry(
            ticket_id=ticket.pk, actor=requester, type="note", visibility="internal", content="x"
        )


def test_another_requester_cannot_post(ticket):
    stranger = factories.RequesterFactory()
    with pytest.raises(NotPermitted):
        timeline.add_timeline_entry(
            ticket_id=ticket.pk, actor=stranger, type="email", visibility="public", content="x"
        )


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("type", {"type": "system", "visibility": "public", "content": "x"}),
        ("visibility", {"type": "note", "visibility": "envelope_only", "content": "x"}),
        ("content", {"type": "note", "visibility": "internal", "content": " "}),
    ],
)
def test_timeline_entry_validation(ticket, agent, field, kwargs):
    with pytest.raises(DomainValidationError) as error:
        timeline.add_timeline_entry(ticket_id=ticket.pk, actor=agent, **kwargs)
    assert field in error.value.errors


def test_content_is_stored_as_given(ticket, agent):
    hostile = "<script>alert(1)</script> & <b>bold</b>"
    entry = timeline.add_timeline_entry(
        ticket_id=ticket.pk, actor=agent, type="note", visibility="internal", content=hostile
    )
    entry.refresh_from_db()
    assert entry.content == hostile


# --- edits, flags, tasks --------------------------------------------------------------------


def test_update_ticket_changes_fields_and_audits(ticket, agent, other_team):
    updated = updates.update_ticket(
        ticket_id=ticket.pk, actor=agent, changes={"priority": "critical", "team": other_team}
    )
    assert updated.priority == "critical" and updated.team == other_team
    audit = AuditLog.objects.get(ticket_id=ticket.pk, action="ticket.updated")
    assert audit.data["priority"] == ["medium", "critical"]


@pytest.mark.parametrize("name", ["owner", "status", "reference", "resolution"])
def test_update_ticket_refuses_guarded_fields(ticket, manager, name):
    with pytest.raises(DomainValidationError) as error:
        updates.update_ticket(ticket_id=ticket.pk, actor=manager, changes={name: "x"})
    assert name in error.value.errors


def test_requester_cannot_update(ticket, requester):
    with pytest.raises(NotPermitted):
        updates.update_ticket(ticket_id=ticket.pk, actor=requester, changes={"title": "mine"})


def test_flags_are_unique_per_kind_and_audited(ticket, agent):
    flags.add_flag(ticket_id=ticket.pk, actor=agent, kind="physical_damage")
    flags.add_flag(ticket_id=ticket.pk, actor=agent, kind="physical_damage")
    assert ticket.flags.count() == 1
    flags.remove_flag(ticket_id=ticket.pk, actor=agent, kind="physical_damage")
    assert ticket.flags.count() == 0
    assert (
        AuditLog.objects.filter(ticket_id=ticket.pk, action__startswith="ticket.")
        .filter(action__in=["ticket.flagged", "ticket.unflagged"])
        .count()
        == 2
    )
    with pytest.raises(DomainValidationError):
        flags.add_flag(ticket_id=ticket.pk, actor=agent, kind="angry")


def test_tasks_follow_their_status_machine(ticket, agent, team):
    owned(ticket, agent)
    helper = factories.AgentFactory(teams=[team])
    task = tasks.create_task(
        ticket_id=ticket.pk, actor=agent, title="Check the switch", assigned_to=helper
    )
    assert task.status == TaskStatus.TODO
    assert ticket.timeline.filter(type=TimelineEntry.Type.TASK).exists()
    done = tasks.set_task_status(task_id=task.pk, actor=helper, status="done")
    assert done.completed_at is not None
    tasks.set_task_status(task_id=task.pk, actor=agent, status="in_progress")
    tasks.set_task_status(task_id=task.pk, actor=agent, status="cancelled")
    with pytest.raises(InvalidTransition):
        tasks.set_task_status(task_id=task.pk, actor=agent, status="done")


def test_tasks_are_not_for_requesters_or_strangers(ticket, agent, requester, other_agent):
    owned(ticket, agent)
    with pytest.raises(DomainValidationError):
        tasks.create_task(ticket_id=ticket.pk, actor=agent, title="x", assigned_to=requester)
    with pytest.raises(NotPermitted):
        tasks.create_task(ticket_id=ticket.pk, actor=other_agent, title="x")
    task = tasks.create_task(ticket_id=ticket.pk, actor=agent, title="x")
    with pytest.raises(NotPermitted):
        tasks.set_task_status(task_id=task.pk, actor=other_agent, status="done")
