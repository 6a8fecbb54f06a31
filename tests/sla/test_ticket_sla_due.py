"""The ticket's own SLA due time (``Ticket.sla_due``, the list's SLA order): its clock's
resolution due time while the clock runs, kept through start, pause, resume, breach, re-target,
a policy's recompute, resolve and reopen; None once resolved (the list puts those last)."""

from datetime import timedelta

import pytest

from sla.actions import clocks, policies, scan
from sla.models import SLAClock
from tests.sla.conftest import T0
from tests.sla.factories import PolicyFactory
from tickets.actions import lifecycle, ownership, updates
from tickets.lifecycle import TicketStatus
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def minutes(n: float):
    return T0 + timedelta(minutes=n)


def due_of(ticket) -> tuple:
    """(the ticket's sla_due, its clock's resolution_due) as stored."""
    clock = SLAClock.objects.get(ticket=ticket)
    return Ticket.objects.get(pk=ticket.pk).sla_due, clock.resolution_due


def test_the_due_time_follows_the_clock_through_wait_resume_resolve_and_reopen(
    clock, policy, open_ticket, agent
):
    ticket = open_ticket()
    assert due_of(ticket) == (minutes(240), minutes(240))  # started on creation

    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    clock.shift(20)
    lifecycle.wait_ticket(ticket_id=ticket.pk, actor=agent)
    assert due_of(ticket) == (None, None)  # paused: unknown until it runs again

    clock.shift(60)
    lifecycle.resume_ticket(ticket_id=ticket.pk, actor=agent)
    assert due_of(ticket) == (minutes(300), minutes(300))

    clock.shift(10)
    lifecycle.resolve_ticket(ticket_id=ticket.pk, actor=agent, resolution="Rebooted")
    sla_due, resolution_due = due_of(ticket)
    assert resolution_due is not None  # the clock keeps its history
    assert sla_due is None  # the list's order: stopped clocks last

    clock.shift(100)
    lifecycle.reopen_ticket(ticket_id=ticket.pk, actor=agent)
    assert due_of(ticket) == (minutes(400), minutes(400))  # the resolved time not counted


def test_a_breach_found_by_the_scan_keeps_the_due_time(clock, policy, open_ticket, agent):
    ticket = open_ticket()
    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    Ticket.objects.filter(pk=ticket.pk).update(sla_due=None)  # as if drifted: the scan repairs

    clock.shift(300)
    scan.scan()

    assert SLAClock.objects.get(ticket=ticket).state == "breached"
    assert due_of(ticket) == (minutes(240), minutes(240))


def test_a_retarget_and_a_policy_recompute_move_the_due_time(
    clock, policy, open_ticket, agent, admin_user, django_capture_on_commit_callbacks
):
    PolicyFactory(
        name="Urgent network", priority="critical", category="network", resolution_minutes=120
    )
    ticket = open_ticket()
    resolved = open_ticket()
    ownership.accept_ticket(ticket_id=resolved.pk, actor=agent)
    lifecycle.resolve_ticket(ticket_id=resolved.pk, actor=agent, resolution="done")
    clock.shift(5)

    updates.update_ticket(ticket_id=ticket.pk, actor=agent, changes={"priority": "critical"})
    assert due_of(ticket) == (minutes(120), minutes(120))

    updates.update_ticket(ticket_id=ticket.pk, actor=agent, changes={"priority": "medium"})
    policy.resolution_minutes = 480
    with django_capture_on_commit_callbacks(execute=True):
        policies.save_policy(actor=admin_user, policy=policy)

    assert due_of(ticket) == (minutes(480), minutes(480))
    assert due_of(resolved)[0] is None


def test_an_escalation_pause_clears_it_and_the_return_restores_it(
    clock, policy, open_ticket, agent
):
    policy.pause_on_escalation = True
    policy.save()
    ticket = open_ticket()
    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)

    escalated = Ticket.objects.get(pk=ticket.pk)
    escalated.status = TicketStatus.ESCALATED
    escalated.save()
    clocks.follow_status(ticket_id=ticket.pk, status=TicketStatus.ESCALATED)
    assert due_of(ticket) == (None, None)

    clock.shift(30)
    back = Ticket.objects.get(pk=ticket.pk)
    back.status = TicketStatus.IN_PROGRESS
    back.save()
    clocks.follow_status(ticket_id=ticket.pk, status=TicketStatus.IN_PROGRESS)
    assert due_of(ticket) == (minutes(270), minutes(270))
