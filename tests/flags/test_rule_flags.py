"""Routing rules flag tickets through the same service: its side effects once, and no legal
flag without a legal team (the timeline says why)."""

import pytest

from core.models import AuditLog
from escalations.models import Envelope
from notifications.models import Notification
from routing.actions.config import import_rules
from tickets.actions import creation, updates
from tickets.models import CaseFlag, Ticket, TimelineEntry

pytestmark = pytest.mark.django_db

RULES = """
- name: tweets_are_social
  trigger: {event: ticket.updated, conditions: [{text: {contains: twitter}}]}
  actions: [{type: add_flag, value: social_media}, {type: add_flag, value: legal}]
"""


def new_ticket(actor) -> Ticket:
    data = creation.NewTicket(title="Broken router", requester_email="ann@customer.example")
    return creation.create_ticket(actor=actor, data=data)


def test_a_rule_flag_acts_once_and_legal_waits_for_a_legal_team(manager, agent, settings):
    settings.ITSM_LEGAL_TEAM = ""
    import_rules(text=RULES)
    ticket = new_ticket(manager)
    for text in ("Posted on twitter", "Still on twitter, now with a lawyer"):
        updates.update_ticket(ticket_id=ticket.pk, actor=manager, changes={"description": text})

    assert list(CaseFlag.objects.filter(ticket=ticket).values_list("kind", flat=True)) == [
        "social_media"
    ]
    assert Notification.objects.filter(user=manager, event_type="flagged").count() == 1
    flagged = AuditLog.objects.filter(ticket_id=ticket.pk, action="ticket.flagged")
    assert [row.data["by"] for row in flagged] == ["routing"]
    refused = TimelineEntry.objects.filter(ticket=ticket, content__startswith="Flag legal not set")
    assert refused.count() == 2  # each run of the rule asks again, and is told why not
    assert "ITSM_LEGAL_TEAM" in refused.first().content
    assert not Envelope.objects.exists()
