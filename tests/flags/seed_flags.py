"""Run inside the live server's database (``manage.py shell``) before the flag journey: a team,
an agent of it and a ticket; prints the ticket's id."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from org.models import AgentProfile, Team
from tickets.actions import creation

network = Team.objects.create(slug="network", name="Network", capabilities=["network"])
alice = get_user_model().objects.create_user("alice", "alice@example.com", "browser-pass-2026")
alice.groups.add(Group.objects.get_or_create(name="agent")[0])
AgentProfile.objects.create(user=alice).teams.set([network])
ticket = creation.create_ticket(
    actor=alice,
    data=creation.NewTicket(
        title="Router smashed in transit",
        requester_email="rita@customer.example",
        category="network",
        team=network,
    ),
)
print(f"TICKET={ticket.pk}")
