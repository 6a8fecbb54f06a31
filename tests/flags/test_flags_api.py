"""The flag endpoints through the real door: staff only, within their sight, errors in the
project's format, nothing happens twice."""

import pytest

from core.models import AuditLog
from notifications.models import Notification
from tests import factories
from tickets.models import CaseFlag

pytestmark = pytest.mark.django_db


def url(ticket, kind: str = "") -> str:
    return f"/api/v1/tickets/{ticket.pk}/flags/" + (f"{kind}/" if kind else "")


def test_an_agent_flags_and_unflags(api, agent, manager, ticket):
    client = api.as_(agent)
    body = {"kind": "social_media", "reason": "Viral post"}
    first = client.post(url(ticket), body, format="json")
    again = client.post(url(ticket), {"kind": "social_media", "reason": "Again"}, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    body = first.json()
    assert body["kind"] == "social_media" and body["reason"] == "Viral post"
    assert body["created_by"]["id"] == agent.pk and body["created_at"]
    assert again.json()["reason"] == "Viral post"  # as it was
    assert Notification.objects.filter(user=manager, event_type="flagged").count() == 1
    assert client.get(f"/api/v1/tickets/{ticket.pk}/").json()["flags"] == ["social_media"]

    assert client.delete(url(ticket, "social_media")).status_code == 204
    missing = client.delete(url(ticket, "social_media"))
    assert missing.status_code == 404 and missing.json()["errors"]
    assert AuditLog.objects.filter(ticket_id=ticket.pk, action="ticket.unflagged").count() == 1


def test_unknown_kinds_and_bad_input_are_400_with_field_messages(api, agent, ticket):
    client = api.as_(agent)
    cases = [
        ({"kind": "angry"}, "kind"),
        ({}, "kind"),
        ({"kind": "vip", "reason": "x" * 301}, "reason"),
        ({"kind": "vip", "owner": 1}, "owner"),
        ({"kind": ["vip"]}, "kind"),
        ({"kind": "vip\u0000"}, "kind"),
    ]
    for body, field in cases:
        response = client.post(url(ticket), body, format="json")
        assert response.status_code == 400, (body, response.content)
        assert field in response.json()["errors"], body
    listed = client.post(url(ticket), [1, 2], format="json")
    assert listed.status_code == 400 and listed.json()["errors"]
    deep = client.post(url(ticket), data="[" * 5000, content_type="application/json")
    assert deep.status_code == 400
    weird = client.delete(url(ticket, "%3Cscript%3E" + "a" * 300))
    assert weird.status_code == 400 and "kind" in weird.json()["errors"]
    assert len(weird.json()["errors"]["kind"][0]) < 200  # the input is not echoed whole
    assert not CaseFlag.objects.exists()


def test_legal_without_a_legal_team_is_a_400_and_nothing_is_written(api, agent, ticket, settings):
    settings.ITSM_LEGAL_TEAM = ""
    response = api.as_(agent).post(url(ticket), {"kind": "legal"}, format="json")
    assert response.status_code == 400
    assert "ITSM_LEGAL_TEAM" in response.json()["errors"]["kind"][0]
    assert not CaseFlag.objects.exists()
    assert not AuditLog.objects.filter(action="ticket.flagged").exists()


def test_requesters_are_refused_and_unseen_tickets_are_not_found(api, requester, ticket):
    refused = api.as_(requester).post(url(ticket), {"kind": "vip"}, format="json")
    assert refused.status_code == 403 and refused.json()["errors"]
    outsider = factories.AgentFactory(teams=[factories.TeamFactory(slug="elsewhere")])
    hidden = api.as_(outsider).post(url(ticket), {"kind": "vip"}, format="json")
    assert hidden.status_code == 404
    assert api.as_(None).post(url(ticket), {"kind": "vip"}, format="json").status_code == 401
    assert not CaseFlag.objects.exists()
