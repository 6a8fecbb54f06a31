"""Real threads and committed transactions (see tests/tickets/test_concurrency.py)."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from escalations.actions import age_rules, envelopes
from escalations.models import Envelope, EscalationRuleFiring
from notifications.models import Notification
from tests import factories
from tests.routing.factories import RoutingRuleFactory
from tests.tickets.test_concurrency import run_together
from tickets.actions import ownership
from tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 6


@pytest.fixture
def setup():
    team, dba = factories.TeamFactory(slug="network"), factories.TeamFactory(slug="dba")
    owner = factories.AgentFactory(teams=[team])
    experts = [factories.AgentFactory(teams=[dba]) for _ in range(THREADS)]
    ticket = factories.TicketFactory(team=team)
    ownership.accept_ticket(ticket_id=ticket.pk, actor=owner)
    return ticket, owner, dba, experts


def test_concurrent_accepts_of_one_envelope_have_exactly_one_winner(setup):
    ticket, owner, dba, experts = setup
    envelope = envelopes.open_envelope(ticket_id=ticket.pk, actor=owner, team=dba, reason="x")

    results = run_together(
        lambda i: envelopes.accept_envelope(envelope_id=envelope.pk, actor=experts[i]), THREADS
    )

    outcomes = Counter(type(result).__name__ for result in results)
    assert outcomes == {"Envelope": 1, "InvalidEnvelopeTransition": THREADS - 1}, results
    winner = next(result for result in results if isinstance(result, Envelope))
    envelope.refresh_from_db()
    assert envelope.assigned_to == winner.assigned_to


def test_parallel_envelopes_closing_together_leave_the_ticket_in_progress(setup):
    ticket, owner, dba, experts = setup
    opened = [
        envelopes.open_envelope(ticket_id=ticket.pk, actor=owner, team=dba, reason=f"#{n}")
        for n in range(THREADS)
    ]
    for envelope, expert in zip(opened, experts, strict=True):
        envelopes.accept_envelope(envelope_id=envelope.pk, actor=expert)

    results = run_together(
        lambda i: envelopes.complete_envelope(
            envelope_id=opened[i].pk, actor=experts[i], summary="done"
        ),
        THREADS,
    )

    assert all(isinstance(result, Envelope) for result in results), results
    assert Ticket.objects.get(pk=ticket.pk).status == "in_progress"


def test_concurrent_beat_runs_fire_a_rule_once(setup):
    ticket, owner, dba, _ = setup
    factories.AgentFactory(teams=[factories.TeamFactory(slug="escalation-managers")])
    RoutingRuleFactory(
        event="escalation.age_exceeded",
        conditions=[{"age_hours": 4}, {"status": "pending"}],
        actions=[{"type": "notify", "to": "team:escalation-managers"}],
    )
    envelope = envelopes.open_envelope(ticket_id=ticket.pk, actor=owner, team=dba, reason="x")
    Envelope.objects.filter(pk=envelope.pk).update(created_at=timezone.now() - timedelta(hours=5))

    results = run_together(lambda i: age_rules.fire_age_rules(), THREADS)

    assert sorted(results) == [0] * (THREADS - 1) + [1], results
    assert EscalationRuleFiring.objects.count() == 1
    assert Notification.objects.filter(event_type="alert").count() == 1
