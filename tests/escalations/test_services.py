import pytest

from core.exceptions import DomainValidationError, NotPermitted
from core.models import AuditLog
from dashboard import realtime
from escalations.actions import envelopes
from escalations.lifecycle import EnvelopeClosed, InvalidEnvelopeTransition
from escalations.models import Envelope
from notifications.models import Notification
from tests import factories
from tests.dashboard.conftest import Listener
from tickets.actions import lifecycle
from tickets.lifecycle import InvalidTransition
from tickets.models import Ticket, TimelineEntry

pytestmark = pytest.mark.django_db


def status_of(ticket) -> str:
    return Ticket.objects.values_list("status", flat=True).get(pk=ticket.pk)


def open_for(ticket, owner, team=None, agent=None, reason="Need a DBA"):
    return envelopes.open_envelope(
        ticket_id=ticket.pk, actor=owner, team=team, agent=agent, reason=reason
    )


# --- open ------------------------------------------------------------------------------------


def test_owner_opens_an_envelope_and_the_ticket_is_escalated(owned, agent, dba):
    envelope = open_for(owned, agent, team=dba, reason="Deadlocks on the orders table")

    assert envelope.status == "pending"
    assert envelope.requested_by == agent
    assert status_of(owned) == "escalated"
    owned.refresh_from_db()
    assert owned.owner == agent  # escalation adds expertise; it never replaces the owner
    first = envelope.entries.get()
    assert (first.visibility, first.type, first.content) == (
        "envelope_only",
        "envelope_request",
        "Deadlocks on the orders table",
    )
    assert AuditLog.objects.filter(action="envelope.opened", ticket_id=owned.pk).count() == 1
    assert AuditLog.objects.filter(action="ticket.escalated", ticket_id=owned.pk).count() == 1


def test_opening_notifies_the_team_or_only_the_named_agent(owned, agent, dba, expert, expert2):
    open_for(owned, agent, team=dba)
    assert set(Notification.objects.values_list("user_id", flat=True)) == {expert.pk, expert2.pk}
    assert set(Notification.objects.values_list("event_type", flat=True)) == {"envelope"}

    Notification.objects.all().delete()
    open_for(owned, agent, team=dba, agent=expert2)
    assert list(Notification.objects.values_list("user_id", flat=True)) == [expert2.pk]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"team": None, "agent": None, "reason": "x"}, "non_field_errors"),
        ({"reason": "   "}, "reason"),
    ],
)
def test_open_refuses_bad_input(owned, agent, dba, kwargs, field):
    kwargs = {"team": dba, **kwargs}
    with pytest.raises(DomainValidationError) as caught:
        envelopes.open_envelope(ticket_id=owned.pk, actor=agent, **kwargs)
    assert field in caught.value.errors
    assert Envelope.objects.count() == 0


def test_open_refuses_the_owner_as_expert_and_non_agents(owned, agent, manager, requester):
    for target in (agent, manager, requester):
        with pytest.raises(DomainValidationError):
            open_for(owned, agent, agent=target)
    assert status_of(owned) == "in_progress"


def test_only_the_owner_opens(owned, agent, manager, expert, dba):
    for actor in (manager, expert):
        with pytest.raises(NotPermitted):
            open_for(owned, actor, team=dba)
    assert Envelope.objects.count() == 0


@pytest.mark.parametrize("move", ["wait", "resolve"])
def test_open_needs_a_ticket_in_progress_or_escalated(owned, agent, dba, move):
    if move == "wait":
        lifecycle.wait_ticket(ticket_id=owned.pk, actor=agent)
    else:
        lifecycle.resolve_ticket(ticket_id=owned.pk, actor=agent, resolution="ok")
    with pytest.raises(InvalidTransition):
        open_for(owned, agent, team=dba)


def test_an_unowned_ticket_has_nobody_to_open_an_envelope(ticket, agent, dba):
    with pytest.raises(NotPermitted):
        open_for(ticket, agent, team=dba)


# --- parallel envelopes and the derived status -----------------------------------------------


def test_parallel_envelopes_keep_the_ticket_escalated_until_the_last_closes(
    owned, agent, dba, other_team, expert, other_agent
):
    first = open_for(owned, agent, team=dba)
    second = open_for(owned, agent, team=other_team)
    assert status_of(owned) == "escalated"

    envelopes.accept_envelope(envelope_id=first.pk, actor=expert)
    envelopes.complete_envelope(envelope_id=first.pk, actor=expert, summary="Index added")
    assert status_of(owned) == "escalated"  # the second is still pending

    envelopes.cancel_envelope(envelope_id=second.pk, actor=agent, reason="Not needed")
    assert status_of(owned) == "in_progress"
    moves = AuditLog.objects.filter(
        ticket_id=owned.pk, action__in=["ticket.escalated", "ticket.in_progress"]
    )
    assert sorted(moves.values_list("action", flat=True)) == [
        "ticket.escalated",
        "ticket.in_progress",
    ]


def test_complete_posts_the_summary_internally_and_notifies_the_owner(owned, agent, dba, expert):
    envelope = open_for(owned, agent, team=dba)
    envelopes.accept_envelope(envelope_id=envelope.pk, actor=expert)
    Notification.objects.all().delete()

    done = envelopes.complete_envelope(envelope_id=envelope.pk, actor=expert, summary="  Vacuumed ")

    assert (done.status, done.summary) == ("completed", "Vacuumed")
    assert done.closed_at is not None
    summary = TimelineEntry.objects.get(ticket=owned, content__contains="Vacuumed")
    assert (summary.visibility, summary.envelope_id, summary.author) == ("internal", None, expert)
    assert list(Notification.objects.values_list("user_id", flat=True)) == [agent.pk]


def test_resolving_cancels_the_open_envelope_and_the_expert_can_no_longer_complete(
    owned, agent, dba, expert
):
    envelope = open_for(owned, agent, team=dba)
    envelopes.accept_envelope(envelope_id=envelope.pk, actor=expert)
    lifecycle.resolve_ticket(ticket_id=owned.pk, actor=agent, resolution="Fixed")
    envelope.refresh_from_db()
    assert envelope.status == "cancelled"
    with pytest.raises((InvalidEnvelopeTransition, EnvelopeClosed)):
        envelopes.complete_envelope(envelope_id=envelope.pk, actor=expert, summary="Too late")
    assert status_of(owned) == "resolved"


def test_reopening_after_resolve_is_in_progress_not_escalated(owned, agent, dba):
    open_for(owned, agent, team=dba)
    lifecycle.resolve_ticket(ticket_id=owned.pk, actor=agent, resolution="Fixed")
    lifecycle.reopen_ticket(ticket_id=owned.pk, actor=agent)
    assert status_of(owned) == "in_progress"


# --- accept ----------------------------------------------------------------------------------


def test_an_agent_of_the_envelope_team_accepts(owned, agent, dba, expert):
    envelope = open_for(owned, agent, team=dba)
    accepted = envelopes.accept_envelope(envelope_id=envelope.pk, actor=expert)
    assert (accepted.status, accepted.assigned_to) == ("active", expert)
    assert accepted.accepted_at is not None
    owned.refresh_from_db()
    assert owned.owner == agent


def test_accept_is_refused_to_others(owned, agent, dba, other_agent, manager):
    envelope = open_for(owned, agent, team=dba)
    for actor in (other_agent, agent, manager):  # other team, the owner, not an expert
        with pytest.raises(NotPermitted):
            envelopes.accept_envelope(envelope_id=envelope.pk, actor=actor)


def test_a_named_agent_envelope_is_accepted_by_that_agent_only(owned, agent, expert, expert2):
    envelope = open_for(owned, agent, agent=expert2)
    with pytest.raises(NotPermitted):
        envelopes.accept_envelope(envelope_id=envelope.pk, actor=expert)
    assert envelopes.accept_envelope(envelope_id=envelope.pk, actor=expert2).status == "active"


def test_second_accept_is_an_invalid_transition(owned, agent, dba, expert, expert2):
    envelope = open_for(owned, agent, team=dba)
    envelopes.accept_envelope(envelope_id=envelope.pk, actor=expert)
    with pytest.raises(InvalidEnvelopeTransition):
        envelopes.accept_envelope(envelope_id=envelope.pk, actor=expert2)
    envelope.refresh_from_db()
    assert envelope.assigned_to == expert


# --- invalid transitions ---------------------------------------------------------------------


def test_transitions_outside_the_machine_are_refused(owned, agent, dba, expert):
    pending = open_for(owned, agent, team=dba)
    with pytest.raises(InvalidTransition):  # pending -> completed
        envelopes.complete_envelope(envelope_id=pending.pk, actor=agent, summary="x")
    envelopes.cancel_envelope(envelope_id=pending.pk, actor=agent)
    with pytest.raises(InvalidTransition):  # cancelled -> cancelled
        envelopes.cancel_envelope(envelope_id=pending.pk, actor=agent)
    with pytest.raises(InvalidTransition):  # cancelled -> active
        envelopes.accept_envelope(envelope_id=pending.pk, actor=expert)

    active = open_for(owned, agent, team=dba)
    envelopes.accept_envelope(envelope_id=active.pk, actor=expert)
    envelopes.complete_envelope(envelope_id=active.pk, actor=expert, summary="done")
    with pytest.raises(InvalidTransition):  # completed -> cancelled
        envelopes.cancel_envelope(envelope_id=active.pk, actor=agent)
    with pytest.raises(InvalidTransition, match="An envelope cannot go from 'completed'"):
        envelopes.complete_envelope(envelope_id=active.pk, actor=expert, summary="again")


def test_who_completes_and_who_cancels(owned, agent, dba, expert, expert2):
    envelope = open_for(owned, agent, team=dba)
    envelopes.accept_envelope(envelope_id=envelope.pk, actor=expert)
    with pytest.raises(NotPermitted):
        envelopes.complete_envelope(envelope_id=envelope.pk, actor=expert2, summary="x")
    with pytest.raises(NotPermitted):
        envelopes.cancel_envelope(envelope_id=envelope.pk, actor=expert)
    with pytest.raises(DomainValidationError):
        envelopes.complete_envelope(envelope_id=envelope.pk, actor=expert, summary=" ")


# --- thread ----------------------------------------------------------------------------------


def test_thread_entries_are_envelope_only_and_closed_threads_refuse_writes(
    owned, agent, dba, expert, other_agent
):
    envelope = open_for(owned, agent, team=dba)
    entry = envelopes.add_envelope_entry(envelope_id=envelope.pk, actor=expert, content="Which DB?")
    assert (entry.visibility, entry.envelope_id, entry.ticket_id) == (
        "envelope_only",
        envelope.pk,
        owned.pk,
    )
    with pytest.raises(NotPermitted):
        envelopes.add_envelope_entry(envelope_id=envelope.pk, actor=other_agent, content="hi")
    envelopes.cancel_envelope(envelope_id=envelope.pk, actor=agent)
    with pytest.raises(EnvelopeClosed):
        envelopes.add_envelope_entry(envelope_id=envelope.pk, actor=agent, content="late")


# --- dashboard events ------------------------------------------------------------------------


def test_envelope_events_reach_the_dashboard_after_commit_in_order(owned, agent, dba, expert):
    managers = Listener(realtime.ALL_TEAMS_GROUP)
    envelope = open_for(owned, agent, team=dba)
    events = managers.events()
    assert [(e["type"], e["ticket"]["status"]) for e in events] == [
        ("ticket.updated", "escalated"),  # the ticket's own status change, first
        ("envelope.created", "escalated"),
    ]
    message = events[1]
    assert message["ticket"]["id"] == str(owned.pk)
    assert message["ticket"]["reference"] == owned.reference
    assert message["ticket"]["owner"]["email"] == agent.email
    assert message["ticket"]["team"] == {"id": str(owned.team_id), "name": owned.team.name}
    assert message["at"]

    envelopes.accept_envelope(envelope_id=envelope.pk, actor=expert)
    envelopes.complete_envelope(envelope_id=envelope.pk, actor=expert, summary="ok")
    assert [(e["type"], e["ticket"]["status"]) for e in managers.events()] == [
        ("ticket.updated", "in_progress"),
        ("envelope.completed", "in_progress"),
    ]


def test_a_refused_open_sends_nothing(owned, dba):
    managers = Listener(realtime.ALL_TEAMS_GROUP)
    not_the_owner = factories.AgentFactory(teams=[owned.team])
    with pytest.raises(NotPermitted):
        open_for(owned, not_the_owner, team=dba)
    assert managers.events() == []


def test_resolving_an_escalated_ticket_cancels_its_open_envelopes(agent, other_team, team):
    from escalations.models import Envelope
    from tests import factories
    from tickets.actions import lifecycle, ownership

    ticket = factories.TicketFactory(team=team)
    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    first = envelopes.open_envelope(ticket_id=ticket.pk, actor=agent, team=other_team, reason="a")
    second = envelopes.open_envelope(ticket_id=ticket.pk, actor=agent, team=other_team, reason="b")
    ticket.refresh_from_db()
    assert ticket.status == "escalated"

    resolved = lifecycle.resolve_ticket(ticket_id=ticket.pk, actor=agent, resolution="Fixed.")

    assert resolved.status == "resolved"
    statuses = set(
        Envelope.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    )
    assert statuses == {"cancelled"}
