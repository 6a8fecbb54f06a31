"""Run inside the live server's database (``manage.py shell``) before the browser journeys:
two teams, two agents of the network team, an apps expert, a requester with a login and two
tickets of theirs: one new, one already carrying an internal note and an envelope."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from desk.models import KanbanView
from escalations.actions import envelopes
from org.models import AgentProfile, Team
from tickets.actions import creation, ownership, timeline
from tickets.models import Contact

User = get_user_model()

PASSWORD = "browser-pass-2026"


def user(username: str, group: str | None, *teams: Team) -> User:
    account = User.objects.create_user(
        username, f"{username}@example.com", PASSWORD, first_name=username.title()
    )
    if group:
        account.groups.add(Group.objects.get_or_create(name=group)[0])
        AgentProfile.objects.create(user=account).teams.set(teams)
    return account


network = Team.objects.create(slug="network", name="Network", capabilities=["network"])
apps = Team.objects.create(slug="apps", name="Applications", capabilities=["sap"])
alice = user("alice", "agent", network)
bob = user("bob", "agent", network)
user("carol", "agent", apps)
rita = user("rita", None)
Contact.objects.create(email=rita.email, name="Rita Requester", user=rita)


def ticket(title: str):
    return creation.create_ticket(
        actor=alice,
        data=creation.NewTicket(
            title=title, requester_email=rita.email, category="network", team=network
        ),
    )


ticket("VPN drops every ten minutes")
old = ticket("Printer offline on floor 3")
ownership.accept_ticket(ticket_id=old.pk, actor=alice)
timeline.add_timeline_entry(
    ticket_id=old.pk, actor=alice, type="note", visibility="internal",
    content="SECRET-INTERNAL-NOTE the printer VLAN is misconfigured",
)  # fmt: skip
timeline.add_timeline_entry(
    ticket_id=old.pk, actor=alice, type="note", visibility="public",
    content="We are looking at the printer now.",
)  # fmt: skip
envelopes.open_envelope(
    ticket_id=old.pk, actor=alice, team=apps, reason="SECRET-ENVELOPE-REASON check the spooler"
)

# The board journey: two new cards and the network team's board with a hard WIP limit of one.
ticket("BOARD card one")
ticket("BOARD card two")
KanbanView.objects.create(
    name="Network board",
    team=network,
    filters="q=BOARD",
    wip_mode=KanbanView.WipMode.HARD,
    wip_limits={"in_progress": 1},
)
