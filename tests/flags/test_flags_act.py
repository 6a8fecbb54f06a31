"""Flags that act: each flag's side effect happens once, however often the flag is set; a legal
flag without a legal team is refused with nothing written; removal is audited and on the
timeline."""

import pytest

from core.exceptions import DomainValidationError, NotPermitted
from core.models import AuditLog
from escalations.models import Envelope
from notifications.models import Notification
from sla.models import SLAClock, SLAPolicy
from tests import factories
from tests.sla.factories import PolicyFactory
from tickets.actions import flags
from tickets.models import CaseFlag, Ticket, TimelineEntry

pytestmark = pytest.mark.django_db


def flagged_notes(ticket):
    return list(
        TimelineEntry.objects.filter(ticket=ticket, type="system")
        .filter(content__contains="lag")
        .values_list("content", flat=True)
    )


@pytest.fixture
def policies(db):
    """Only these match: the ticket's own (10 h), a stricter one (5 h) and the strictest (1 h)."""
    SLAPolicy.objects.filter(is_default=False).update(is_active=False)
    return {
        "own": PolicyFactory(category="network", first_response_minutes=60, resolution_minutes=600),
        "next": PolicyFactory(category="x-next", first_response_minutes=30, resolution_minutes=300),
        "top": PolicyFactory(category="x-top", first_response_minutes=15, resolution_minutes=60),
    }


@pytest.fixture
def clocked(ticket):
    from sla.actions.clocks import start_clock

    start_clock(ticket_id=ticket.pk)
    return ticket


def test_social_media_tells_the_managers_once_and_upgrades_the_sla_once(
    policies, clocked, agent, manager
):
    other_manager = factories.ManagerFactory()
    assert SLAClock.objects.get(ticket=clocked).policy == policies["own"]

    flags.add_flag(ticket_id=clocked.pk, actor=agent, kind="social_media", note="On Twitter")
    flags.add_flag(ticket_id=clocked.pk, actor=agent, kind="social_media", note="Again")

    for person in (manager, other_manager):
        told = Notification.objects.filter(user=person, event_type="flagged")
        assert told.count() == 1
        assert "social media" in told.get().body
    assert not Notification.objects.filter(user=agent, event_type="flagged").exists()
    clock = SLAClock.objects.get(ticket=clocked)
    assert clock.upgraded and clock.policy == policies["next"]  # the next, not the strictest
    assert (clock.resolution_due - clock.started_at).total_seconds() == 300 * 60
    assert AuditLog.objects.filter(ticket_id=clocked.pk, action="sla.upgraded").count() == 1
    assert AuditLog.objects.filter(ticket_id=clocked.pk, action="ticket.flagged").count() == 1
    assert flagged_notes(clocked) == ["Flagged Social media exposure: On Twitter."]


def test_the_upgrade_survives_a_retarget_and_goes_with_the_flag(policies, clocked, agent):
    from tickets.actions import updates

    flags.add_flag(ticket_id=clocked.pk, actor=agent, kind="social_media")
    updates.update_ticket(ticket_id=clocked.pk, actor=agent, changes={"priority": "high"})
    assert SLAClock.objects.get(ticket=clocked).policy == policies["next"]

    flags.remove_flag(ticket_id=clocked.pk, actor=agent, kind="social_media")
    clock = SLAClock.objects.get(ticket=clocked)
    assert not clock.upgraded and clock.policy == policies["own"]


def test_the_strictest_policy_stays_where_it_is(policies, ticket, agent):
    from sla.actions.clocks import start_clock

    Ticket.objects.filter(pk=ticket.pk).update(category="x-top")
    start_clock(ticket_id=ticket.pk)
    flags.add_flag(ticket_id=ticket.pk, actor=agent, kind="social_media")
    assert SLAClock.objects.get(ticket=ticket).policy == policies["top"]


def test_legal_without_a_legal_team_is_refused_and_writes_nothing(ticket, agent, settings):
    settings.ITSM_LEGAL_TEAM = ""
    before = (AuditLog.objects.count(), TimelineEntry.objects.count())
    with pytest.raises(DomainValidationError) as refused:
        flags.add_flag(ticket_id=ticket.pk, actor=agent, kind="legal")
    assert "ITSM_LEGAL_TEAM" in refused.value.errors["kind"][0]

    settings.ITSM_LEGAL_TEAM = "no-such-team"
    with pytest.raises(DomainValidationError) as refused:
        flags.add_flag(ticket_id=ticket.pk, actor=agent, kind="legal")
    assert "'no-such-team'" in refused.value.errors["kind"][0]
    assert not CaseFlag.objects.exists() and not Envelope.objects.exists()
    assert (AuditLog.objects.count(), TimelineEntry.objects.count()) == before


def test_legal_opens_one_envelope_to_the_legal_team(ticket, agent, settings):
    legal = factories.TeamFactory(slug="legal", name="Legal")
    settings.ITSM_LEGAL_TEAM = "legal"

    flags.add_flag(ticket_id=ticket.pk, actor=agent, kind="legal", note="Lawyer letter")
    flags.add_flag(ticket_id=ticket.pk, actor=agent, kind="legal")
    flags.remove_flag(ticket_id=ticket.pk, actor=agent, kind="legal")
    flags.add_flag(ticket_id=ticket.pk, actor=agent, kind="legal")  # the open one is reused

    envelope = Envelope.objects.get()
    assert (envelope.ticket_id, envelope.team, envelope.requested_by) == (ticket.pk, legal, agent)
    assert envelope.reason == "Flagged legal: Lawyer letter"
    assert Notification.objects.filter(event_type="envelope").count() == 0  # no agents in it


def test_vip_raises_the_score_and_removal_lowers_it_again(ticket, agent):
    assert ticket.priority_score in (0.0, 40.0)
    flags.add_flag(ticket_id=ticket.pk, actor=agent, kind="vip")
    ticket.refresh_from_db()
    assert ticket.vip_flagged and ticket.priority_score == 60.0  # 40 x 1.5
    flags.remove_flag(ticket_id=ticket.pk, actor=agent, kind="vip")
    ticket.refresh_from_db()
    assert not ticket.vip_flagged and ticket.priority_score == 40.0


def test_a_vip_requester_gains_nothing_more_from_the_flag(agent, team):
    contact = factories.ContactFactory(tier="vip")
    ticket = factories.TicketFactory(team=team, requester=contact)
    flags.add_flag(ticket_id=ticket.pk, actor=agent, kind="vip")
    ticket.refresh_from_db()
    assert ticket.priority_score == 60.0


def test_flag_rows_say_who_and_when_for_calibration(ticket, agent):
    flag = flags.add_flag(ticket_id=ticket.pk, actor=agent, kind="physical_damage", note="Dent")
    assert (flag.created_by, flag.note) == (agent, "Dent")
    assert flag.created_at is not None


def test_removal_is_audited_and_on_the_timeline_once(ticket, agent):
    flags.add_flag(ticket_id=ticket.pk, actor=agent, kind="physical_damage")
    assert flags.remove_flag(ticket_id=ticket.pk, actor=agent, kind="physical_damage")
    assert not flags.remove_flag(ticket_id=ticket.pk, actor=agent, kind="physical_damage")
    removed = AuditLog.objects.filter(ticket_id=ticket.pk, action="ticket.unflagged")
    assert removed.count() == 1 and removed.get().actor == agent
    assert flagged_notes(ticket) == ["Flagged Physical damage.", "Flag removed: Physical damage."]


def test_requesters_and_unknown_kinds_are_refused(ticket, requester, agent):
    with pytest.raises(NotPermitted):
        flags.add_flag(ticket_id=ticket.pk, actor=requester, kind="vip")
    with pytest.raises(NotPermitted):
        flags.remove_flag(ticket_id=ticket.pk, actor=requester, kind="vip")
    with pytest.raises(DomainValidationError) as refused:
        flags.remove_flag(ticket_id=ticket.pk, actor=agent, kind="angry")
    assert "angry" in refused.value.errors["kind"][0]
    with pytest.raises(DomainValidationError) as refused:
        flags.add_flag(ticket_id=ticket.pk, actor=agent, kind="vip", note="x" * 301)
    assert "reason" in refused.value.errors
    assert not CaseFlag.objects.exists()
