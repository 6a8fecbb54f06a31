"""The ticket list's filters and ordering through the real door (DRF APIClient)."""

import pytest

from tests import factories
from tickets.actions import ownership
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def url() -> str:
    return "/api/v1/tickets/"


@pytest.fixture
def spread(team, other_team, agent):
    """Tickets across priorities, teams, owners and dates."""
    made = {
        "crit": factories.TicketFactory(
            team=team, priority="critical", category="vpn", source="jira"
        ),
        "low": factories.TicketFactory(team=team, priority="low", category="wifi"),
        "other": factories.TicketFactory(team=other_team, priority="high", type="request"),
        "unrouted": factories.TicketFactory(team=None, priority="medium"),
    }
    ownership.accept_ticket(ticket_id=made["crit"].pk, actor=agent)
    Ticket.objects.filter(pk=made["low"].pk).update(created_at="2020-01-01T00:00:00Z")
    return made


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"priority": "critical"}, {"crit"}),
        ({"priority": ["critical", "low"]}, {"crit", "low"}),
        ({"status": "in_progress"}, {"crit"}),
        ({"type": "request"}, {"other"}),
        ({"category": "VPN"}, {"crit"}),
        ({"source": "jira"}, {"crit"}),
        ({"team": "network"}, {"crit", "low"}),
        ({"team": "none"}, {"unrouted"}),
        ({"owner": "none"}, {"low", "other", "unrouted"}),
        ({"created_before": "2021-01-01T00:00:00Z"}, {"low"}),
        ({"created_after": "2021-01-01T00:00:00Z"}, {"crit", "other", "unrouted"}),
    ],
)
def test_filters(api, spread, manager, query, expected):
    results = api.as_(manager).get(url(), query).json()["results"]
    by_id = {str(t.pk): name for name, t in spread.items()}
    assert {by_id[r["id"]] for r in results} == expected


def test_filter_by_owner_email_and_me(api, spread, manager, agent):
    assert api.as_(manager).get(url(), {"owner": agent.email}).json()["count"] == 1
    assert api.as_(agent).get(url(), {"owner": "me"}).json()["count"] == 1


def test_filter_by_owner_email_ignores_case_and_an_email_of_nobody_finds_nothing(
    api, spread, manager, agent
):
    """The e-mail is read to the owners' ids first (desk.filters): the same tickets as the
    e-mail's join gave, in any case; an e-mail of nobody (or of a user who owns nothing) is an
    empty list, not an error."""
    owned = {str(spread["crit"].pk)}
    for email in (agent.email, agent.email.upper()):
        results = api.as_(manager).get(url(), {"owner": email}).json()["results"]
        assert {r["id"] for r in results} == owned
    for email in ("nobody@example.test", manager.email):
        answer = api.as_(manager).get(url(), {"owner": email})
        assert answer.status_code == 200 and answer.json()["count"] == 0


def test_team_filter_by_uuid(api, spread, manager, other_team):
    assert api.as_(manager).get(url(), {"team": str(other_team.pk)}).json()["count"] == 1


def test_ordering(api, spread, manager):
    refs = [
        r["reference"]
        for r in api.as_(manager).get(url(), {"ordering": "reference"}).json()["results"]
    ]
    assert refs == sorted(refs)
