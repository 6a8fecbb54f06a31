"""tickets.actions.properties: who may edit a ticket's properties from its page, and only what
differs is written."""

import pytest

from core.exceptions import DomainValidationError, NotPermitted
from core.models import AuditLog
from tests import factories
from tickets.actions import lifecycle, ownership
from tickets.actions.properties import edit_properties
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def updates_of(ticket) -> list[dict]:
    rows = AuditLog.objects.filter(ticket_id=ticket.pk, action="ticket.updated")
    return [row.data for row in rows]


def test_an_agent_of_the_team_edits_and_only_the_difference_is_audited(agent, ticket):
    edit_properties(
        ticket_id=ticket.pk,
        actor=agent,
        changes={"priority": "high", "category": ticket.category, "type": ticket.type},
    )
    assert Ticket.objects.get(pk=ticket.pk).priority == "high"
    assert updates_of(ticket) == [{"priority": ["medium", "high"]}]


def test_nothing_different_writes_nothing(agent, ticket):
    edit_properties(ticket_id=ticket.pk, actor=agent, changes={"priority": ticket.priority})
    assert updates_of(ticket) == []


def test_the_owner_edits_although_not_of_the_team(ticket, other_team, manager):
    outsider = factories.AgentFactory(teams=[other_team])
    ownership.accept_ticket(ticket_id=ticket.pk, actor=manager)
    with pytest.raises(NotPermitted):
        edit_properties(ticket_id=ticket.pk, actor=outsider, changes={"priority": "low"})
    ownership.transfer_ownership(
        ticket_id=ticket.pk, actor=manager, to_user=outsider, reason="agent_terminated"
    )
    edit_properties(ticket_id=ticket.pk, actor=outsider, changes={"priority": "low"})
    assert Ticket.objects.get(pk=ticket.pk).priority == "low"


@pytest.mark.parametrize("who", ["requester", "other_agent"])
def test_requesters_and_agents_of_other_teams_may_not(request, ticket, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(NotPermitted):
        edit_properties(ticket_id=ticket.pk, actor=actor, changes={"priority": "critical"})
    assert Ticket.objects.get(pk=ticket.pk).priority == "medium"
    assert updates_of(ticket) == []


def test_a_closed_ticket_is_refused(agent, ticket):
    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    lifecycle.resolve_ticket(ticket_id=ticket.pk, actor=agent, resolution="Done")
    lifecycle.close_ticket(ticket_id=ticket.pk, actor=agent)
    with pytest.raises(DomainValidationError):
        edit_properties(ticket_id=ticket.pk, actor=agent, changes={"priority": "critical"})
