"""tickets.selectors.visible_tickets and the envelope selectors: who sees what."""

import pytest

from escalations.actions import envelopes
from escalations.selectors import envelope_thread, visible_envelopes
from tests import factories
from tests.escalations.factories import EnvelopeFactory
from tickets.selectors import visible_tickets, visible_timeline

pytestmark = pytest.mark.django_db


def ids(queryset) -> set:
    return set(queryset.values_list("pk", flat=True))


def test_team_members_see_the_ticket_while_the_envelope_waits_for_their_team(
    owned, agent, dba, expert, expert2
):
    assert owned.pk not in ids(visible_tickets(expert))
    envelope = envelopes.open_envelope(ticket_id=owned.pk, actor=agent, team=dba, reason="x")
    assert owned.pk in ids(visible_tickets(expert))
    assert owned.pk in ids(visible_tickets(expert2))
    assert owned.pk in ids(visible_tickets(expert2, resolved=True))  # the list's form too

    envelopes.accept_envelope(envelope_id=envelope.pk, actor=expert)
    assert owned.pk in ids(visible_tickets(expert))  # holds it
    assert owned.pk in ids(visible_tickets(expert, resolved=True))
    assert owned.pk not in ids(visible_tickets(expert2))  # no longer waiting for the team
    assert owned.pk not in ids(visible_tickets(expert2, resolved=True))


def test_a_named_agent_sees_the_ticket_while_pending(owned, agent, other_agent):
    envelope = envelopes.open_envelope(
        ticket_id=owned.pk, actor=agent, agent=other_agent, reason="x"
    )
    assert owned.pk in ids(visible_tickets(other_agent))
    envelopes.cancel_envelope(envelope_id=envelope.pk, actor=agent)
    assert owned.pk not in ids(visible_tickets(other_agent))


def test_many_envelopes_give_no_duplicate_tickets(owned, agent, dba, expert):
    EnvelopeFactory.create_batch(3, ticket=owned, team=dba, agent=expert, requested_by=agent)
    EnvelopeFactory(ticket=owned, team=dba, assigned_to=expert, status="active")
    visible = visible_tickets(expert)
    assert list(visible.values_list("pk", flat=True)) == [owned.pk]
    assert visible.count() == 1


def test_requesters_and_role_less_users_see_no_envelope(owned, agent, dba, requester):
    envelopes.open_envelope(ticket_id=owned.pk, actor=agent, team=dba, reason="x")
    nobody = factories.UserFactory()
    assert not visible_envelopes(requester).exists()
    assert not visible_envelopes(nobody).exists()
    assert visible_envelopes(agent).count() == 1


def test_the_main_timeline_never_holds_thread_entries(owned, agent, dba, expert, requester):
    envelope = envelopes.open_envelope(ticket_id=owned.pk, actor=agent, team=dba, reason="why")
    envelopes.add_envelope_entry(envelope_id=envelope.pk, actor=expert, content="thread")
    for user in (agent, expert, requester):
        contents = set(visible_timeline(user, owned).values_list("content", flat=True))
        assert not contents & {"why", "thread"}
    assert [e.content for e in envelope_thread(envelope)] == ["why", "thread"]
