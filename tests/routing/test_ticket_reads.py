"""The plain-SQL ticket read of every decision (routing.ticket_reads), on both backends: the
ticket's fields converted like the ORM's, the requester and company attached without a query,
one row per flag, and the routing history the affinity needs."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from routing.models import AllocationDecision
from routing.selectors import as_uuid
from routing.ticket_reads import ticket_rows
from tests import factories
from tickets.models import CaseFlag


def test_fields_requester_company_and_flags(db):
    company = factories.CompanyFactory(tier="vip")
    requester = factories.ContactFactory(
        company=company, tier="standard", latitude=48.85, longitude=2.35, timezone="Europe/Paris"
    )
    team = factories.TeamFactory(slug="paris-desk")
    ticket = factories.TicketFactory(
        team=team, requester=requester, category="email", external_metadata={"language": "fr"}
    )
    CaseFlag.objects.create(ticket=ticket, kind="vip")
    CaseFlag.objects.create(ticket=ticket, kind="legal")

    rows = ticket_rows(ticket.pk, since=None, lock=False)

    assert {row.flag_kind for row in rows} == {"vip", "legal"}
    row = rows[0]
    assert (row.pk, row.reference, row.category) == (ticket.pk, ticket.reference, "email")
    assert row.external_metadata == {"language": "fr"}
    assert row.created_at == ticket.created_at
    assert (row.team_id, row.team_slug) == (team.pk, "paris-desk")
    with CaptureQueriesContext(connection) as queries:
        contact = row.requester
        assert (contact.email, contact.latitude, contact.timezone) == (
            requester.email,
            48.85,
            "Europe/Paris",
        )
        assert contact.effective_tier == "vip"  # the company's tier, already loaded
    assert len(queries) == 0
    assert row.decided_before is False
    assert row.own_previous_team is None and row.requester_previous_team is None


def test_history_for_affinity(db):
    requester = factories.ContactFactory()
    earlier_team, later_team = factories.TeamFactory(slug="a"), factories.TeamFactory(slug="b")
    factories.TicketFactory(requester=requester, category="vpn", team=earlier_team)
    factories.TicketFactory(requester=requester, category="vpn", team=later_team)
    factories.TicketFactory(requester=requester, category="email", team=earlier_team)
    ticket = factories.TicketFactory(requester=requester, category="vpn", team=None)
    AllocationDecision.objects.filter(ticket=ticket).delete()
    AllocationDecision.objects.create(
        ticket=ticket, event="ticket.created", method="scoring", team=earlier_team
    )

    since = timezone.now() - timedelta(hours=1)
    row = ticket_rows(ticket.pk, since=since, lock=True)[0]

    assert row.decided_before is True
    assert as_uuid(row.own_previous_team) == str(earlier_team.pk)
    assert as_uuid(row.requester_previous_team) == str(later_team.pk)  # latest, same category
    future = timezone.now() + timedelta(hours=1)
    assert ticket_rows(ticket.pk, since=future, lock=False)[0].requester_previous_team is None


def test_no_such_ticket(db):
    assert ticket_rows("7b0e5a4e-0000-4000-8000-000000000000", since=None, lock=False) == []
