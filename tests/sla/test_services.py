"""SLA clocks kept by the ticket services: start, pause/resume, first response, resolve,
reopen, re-target, escalation pause, recompute after a policy change."""

from datetime import timedelta

import pytest

from core.exceptions import DomainValidationError
from core.models import AuditLog
from sla.actions import clocks, policies
from sla.models import PauseReason, SLAClock, SLACrossing, SLAPolicy
from sla.selectors import sla_payload
from tests import factories
from tests.sla.conftest import T0
from tests.sla.factories import CalendarFactory, PolicyFactory
from tickets.actions import lifecycle, ownership, timeline, updates
from tickets.lifecycle import TicketStatus
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def minutes(n: float):
    return T0 + timedelta(minutes=n)


def reload(ticket) -> SLAClock:
    return SLAClock.objects.get(ticket=ticket)


def test_clock_starts_on_creation_with_the_most_specific_policy(clock, policy, open_ticket):
    ticket = open_ticket()

    sla = reload(ticket)
    assert sla.policy == policy
    assert sla.started_at == T0
    assert sla.first_response_due == minutes(60)
    assert sla.first_response_warn_at == minutes(45)
    assert sla.resolution_due == minutes(240)
    assert sla.state == "ok"
    assert sla.next_check_at == minutes(30)  # first response half-time
    assert Ticket.objects.get(pk=ticket.pk).priority_score == 40
    assert sla_payload(Ticket.objects.get(pk=ticket.pk)) == {
        "policy": "Network incidents",
        "first_response_due": minutes(60),
        "resolution_due": minutes(240),
        "state": "ok",
        "paused": False,
    }


def test_seeded_policies_match_by_priority_and_vip_is_tighter(clock, open_ticket):
    critical = open_ticket(priority="critical", category="")
    vip = factories.ContactFactory(email="boss@example.com", tier="vip")
    vip_critical = open_ticket(priority="critical", category="", requester_email=vip.email)

    assert reload(critical).policy.name == "Critical"
    assert reload(critical).first_response_due == minutes(15)
    assert reload(vip_critical).policy.name == "VIP critical"
    assert reload(vip_critical).first_response_due == minutes(10)


def test_a_default_policy_always_exists(clock, open_ticket):
    SLAPolicy.objects.filter(is_default=False).update(is_active=False)
    assert reload(open_ticket()).policy.is_default

    SLAClock.objects.all().delete()
    SLAPolicy.objects.all().delete()
    ticket = open_ticket()

    assert reload(ticket).policy == SLAPolicy.objects.get(is_default=True)


def test_business_calendar_due_skips_the_weekend(clock, policy, open_ticket):
    office = CalendarFactory(
        slug="london", timezone="Europe/London", always_open=False, weekdays_9_to_5=True
    )
    policy.calendar = office
    policy.save()
    clock.move_to(minutes(4 * 24 * 60 + 7 * 60))  # Friday 16:00 GMT

    ticket = open_ticket()

    # 60 min: 16:00-17:00 Friday. 240 min: 1 h Friday + 3 h Monday (09:00-12:00).
    assert reload(ticket).first_response_due == minutes(4 * 24 * 60 + 8 * 60)
    assert reload(ticket).resolution_due == minutes(7 * 24 * 60 + 3 * 60)


def test_waiting_pauses_the_clock_and_resume_shifts_the_due_times(
    clock, policy, open_ticket, agent
):
    ticket = open_ticket()
    clock.shift(10)
    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    clock.shift(10)
    lifecycle.wait_ticket(ticket_id=ticket.pk, actor=agent)

    paused = reload(ticket)
    assert paused.state == "paused"
    assert paused.paused_since == minutes(20)
    assert paused.first_response_due is None  # unknown until the clock runs again
    assert paused.next_check_at is not None  # only staleness steps remain
    payload = sla_payload(Ticket.objects.select_related("sla_clock__policy").get(pk=ticket.pk))
    assert payload["paused"] is True and payload["state"] == "paused"

    clock.shift(60)
    lifecycle.resume_ticket(ticket_id=ticket.pk, actor=agent)

    resumed = reload(ticket)
    assert resumed.state == "ok"
    assert resumed.paused_since is None
    assert resumed.first_response_due == minutes(60 + 60)
    assert resumed.resolution_due == minutes(240 + 60)
    pauses = list(resumed.pauses.values_list("reason", "started_at", "ended_at"))
    assert pauses == [(PauseReason.WAITING, minutes(20), minutes(80))]


def test_requester_reply_resumes_a_waiting_ticket(clock, policy, open_ticket, agent):
    requester = factories.RequesterFactory(email="customer@example.com")
    ticket = open_ticket()
    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    lifecycle.wait_ticket(ticket_id=ticket.pk, actor=agent)
    clock.shift(30)

    timeline.add_timeline_entry(
        ticket_id=ticket.pk, actor=requester, type="note", visibility="public", content="Here"
    )

    sla = reload(ticket)
    assert sla.paused_since is None
    assert sla.first_response_met_at is None  # the requester's reply is not a response
    assert sla.first_response_due == minutes(90)


def test_first_response_is_the_first_public_staff_reply(clock, policy, open_ticket, agent):
    requester = factories.RequesterFactory(email="customer@example.com")
    ticket = open_ticket()
    clock.shift(5)
    timeline.add_timeline_entry(
        ticket_id=ticket.pk, actor=requester, type="note", visibility="public", content="Any news?"
    )
    timeline.add_timeline_entry(
        ticket_id=ticket.pk, actor=agent, type="note", visibility="internal", content="Looking"
    )
    assert reload(ticket).first_response_met_at is None

    clock.shift(10)
    timeline.add_timeline_entry(
        ticket_id=ticket.pk, actor=agent, type="email", visibility="public", content="On it"
    )
    clock.shift(10)
    timeline.add_timeline_entry(
        ticket_id=ticket.pk, actor=agent, type="note", visibility="public", content="Again"
    )

    sla = reload(ticket)
    assert sla.first_response_met_at == minutes(15)
    assert sla.next_check_at == minutes(120)  # resolution half-time; no first-response steps


def test_resolve_meets_and_reopen_runs_again_without_the_resolved_time(
    clock, policy, open_ticket, agent
):
    ticket = open_ticket()
    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    clock.shift(10)
    timeline.add_timeline_entry(
        ticket_id=ticket.pk, actor=agent, type="email", visibility="public", content="Hello"
    )
    clock.shift(100)
    lifecycle.resolve_ticket(ticket_id=ticket.pk, actor=agent, resolution="Rebooted")

    met = reload(ticket)
    assert met.state == "met"
    assert met.first_response_met_at == minutes(10)
    assert met.resolution_met_at == minutes(110)
    assert met.next_check_at is None
    assert sla_payload(Ticket.objects.get(pk=ticket.pk))["state"] == "met"

    clock.shift(100)
    lifecycle.reopen_ticket(ticket_id=ticket.pk, actor=agent)

    reopened = reload(ticket)
    assert reopened.resolution_met_at is None
    assert reopened.resolution_due == minutes(240 + 100)
    assert reopened.state == "ok"

    clock.shift(10)
    lifecycle.resolve_ticket(ticket_id=ticket.pk, actor=agent, resolution="Really")
    lifecycle.close_ticket(ticket_id=ticket.pk, actor=agent)

    closed = reload(ticket)
    assert closed.state == "met"
    assert closed.resolution_met_at == minutes(220)
    reasons = list(closed.pauses.values_list("reason", flat=True))
    assert reasons == [PauseReason.RESOLVED, PauseReason.RESOLVED]


def test_resolving_without_any_reply_counts_as_the_first_response(
    clock, policy, open_ticket, agent
):
    ticket = open_ticket()
    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    clock.shift(30)

    lifecycle.resolve_ticket(ticket_id=ticket.pk, actor=agent, resolution="Quick fix")

    assert reload(ticket).first_response_met_at == minutes(30)
    assert reload(ticket).state == "met"


def test_resolving_late_records_the_breach_without_waiting_for_the_scan(
    clock, policy, open_ticket, agent
):
    ticket = open_ticket()
    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    clock.shift(300)

    lifecycle.resolve_ticket(ticket_id=ticket.pk, actor=agent, resolution="Late")

    sla = reload(ticket)
    assert sla.state == "breached"
    assert sla.breached_at == minutes(60)
    kinds = set(SLACrossing.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert kinds == {"first_response_breach", "resolution_breach"}


def test_a_priority_change_retargets_the_clock(clock, policy, open_ticket, agent):
    urgent = PolicyFactory(
        name="Urgent network", priority="critical", category="network", first_response_minutes=15
    )
    ticket = open_ticket()
    clock.shift(5)

    updates.update_ticket(ticket_id=ticket.pk, actor=agent, changes={"priority": "critical"})

    sla = reload(ticket)
    assert sla.policy == urgent
    assert sla.first_response_due == minutes(15)
    assert sla.started_at == T0  # re-targeted, not restarted
    assert AuditLog.objects.filter(ticket_id=ticket.pk, action="sla.retargeted").count() == 1
    updates.update_ticket(ticket_id=ticket.pk, actor=agent, changes={"title": "VPN still down"})
    assert AuditLog.objects.filter(ticket_id=ticket.pk, action="sla.retargeted").count() == 1


def test_escalation_pauses_only_when_the_policy_says_so(clock, policy, open_ticket, agent):
    ticket = open_ticket()
    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)

    def escalate_and_return(after: float):
        escalated = Ticket.objects.get(pk=ticket.pk)
        escalated.status = TicketStatus.ESCALATED
        escalated.save()
        clocks.follow_status(ticket_id=ticket.pk, status=TicketStatus.ESCALATED)
        clock.shift(after)
        back = Ticket.objects.get(pk=ticket.pk)
        back.status = TicketStatus.IN_PROGRESS
        back.save()
        clocks.follow_status(ticket_id=ticket.pk, status=TicketStatus.IN_PROGRESS)

    escalate_and_return(30)
    assert reload(ticket).first_response_due == minutes(60)  # not paused

    policy.pause_on_escalation = True
    policy.save()
    escalate_and_return(30)

    sla = reload(ticket)
    assert sla.first_response_due == minutes(90)
    assert list(sla.pauses.values_list("reason", flat=True)) == [PauseReason.ESCALATION]


def test_escalated_tickets_score_higher(clock, policy, open_ticket, agent):
    ticket = open_ticket()
    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    escalated = Ticket.objects.get(pk=ticket.pk)
    escalated.status = TicketStatus.ESCALATED
    escalated.save()

    clocks.follow_status(ticket_id=ticket.pk, status=TicketStatus.ESCALATED)

    assert Ticket.objects.get(pk=ticket.pk).priority_score == pytest.approx(40 * 1.3)


def test_changing_a_policy_recomputes_open_clocks(
    clock, policy, open_ticket, admin_user, agent, django_capture_on_commit_callbacks
):
    open_one, resolved = open_ticket(), open_ticket()
    ownership.accept_ticket(ticket_id=resolved.pk, actor=agent)
    lifecycle.resolve_ticket(ticket_id=resolved.pk, actor=agent, resolution="done")
    before = reload(resolved).resolution_due

    policy.resolution_minutes = 480
    with django_capture_on_commit_callbacks(execute=True):
        policies.save_policy(actor=admin_user, policy=policy)

    assert reload(open_one).resolution_due == minutes(480)
    assert reload(resolved).resolution_due == before  # finished clocks are history
    assert AuditLog.objects.filter(action="sla.policy_changed").count() == 1


def test_a_new_more_specific_policy_takes_over_open_tickets(
    clock, policy, open_ticket, admin_user, django_capture_on_commit_callbacks
):
    ticket = open_ticket(requester_email="someone@example.com")
    vip_net = PolicyFactory.build(
        name="Network, VIP",
        priority="medium",
        category="network",
        type="incident",
        tier="vip",
        calendar=policy.calendar,
        first_response_minutes=5,
    )
    factories.Contact.objects.filter(email="someone@example.com").update(tier="vip")

    with django_capture_on_commit_callbacks(execute=True):
        policies.save_policy(actor=admin_user, policy=vip_net)

    assert reload(ticket).policy.name == "Network, VIP"
    assert reload(ticket).tier == "vip"


def test_the_default_policy_cannot_be_undefaulted_or_deactivated(admin_user):
    default = SLAPolicy.objects.get(is_default=True)
    default.is_default = False
    with pytest.raises(DomainValidationError):
        policies.save_policy(actor=admin_user, policy=default)

    default.is_default, default.is_active = True, False
    with pytest.raises(DomainValidationError):
        policies.save_policy(actor=admin_user, policy=default)


def test_a_new_default_demotes_the_old_one(admin_user, policy):
    old = SLAPolicy.objects.get(is_default=True)
    policy.is_default = True

    policies.save_policy(actor=admin_user, policy=policy)

    assert SLAPolicy.objects.get(is_default=True) == policy
    old.refresh_from_db()
    assert not old.is_default


def test_tickets_without_a_clock_get_one_on_their_next_event(clock, ticket, agent):
    assert not SLAClock.objects.filter(ticket=ticket).exists()

    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)

    assert reload(ticket).started_at == ticket.created_at
