"""Run inside the live server's database (``manage.py shell``) before the browser journeys:
the network team with limits of 50 / 200 EUR, its agent Ada and its lead Lee, a manager Max,
a ticket Ada owns, and a resolution Ada gave last week (for the calibration queue)."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from org.actions.leads import set_team_lead
from org.models import AgentProfile, Team
from resolutions.actions.config import save_config
from resolutions.actions.resolutions import NewResolution, create_resolution
from resolutions.models import Resolution
from resolutions.periods import Week
from tickets.actions import creation, ownership
from tickets.models import Contact

User = get_user_model()
PASSWORD = "browser-pass-2026"


def user(username: str, group: str, *teams: Team) -> User:
    account = User.objects.create_user(
        username, f"{username}@example.com", PASSWORD, first_name=username.title()
    )
    account.groups.add(Group.objects.get_or_create(name=group)[0])
    AgentProfile.objects.create(user=account).teams.set(teams)
    return account


network = Team.objects.create(slug="network", name="Network", capabilities=["network"])
ada = user("ada", "agent", network)
lee = user("lee", "agent", network)
max_ = user("max", "manager")
set_team_lead(actor=None, profile=lee.agent_profile, team=network)
save_config(
    actor=None, team=network, tier1_limit=Decimal(50), tier2_limit=Decimal(200), currency="EUR"
)
Contact.objects.create(email="rita@example.com", name="Rita Requester")


def owned(title: str):
    ticket = creation.create_ticket(
        actor=ada,
        data=creation.NewTicket(
            title=title, requester_email="rita@example.com", category="network", team=network
        ),
    )
    return ownership.accept_ticket(ticket_id=ticket.pk, actor=ada)


owned("Router arrived broken")
earlier = owned("Invoice charged twice")
given = create_resolution(
    actor=ada,
    ticket_id=earlier.pk,
    data=NewResolution("billing_error", "policy", "refund", Decimal("25.00"), "EUR"),
)
last_week = Week.of(timezone.now()).shifted(-1)
Resolution.objects.filter(pk=given.pk).update(decided_at=last_week.start + timedelta(days=1))
print(last_week)
