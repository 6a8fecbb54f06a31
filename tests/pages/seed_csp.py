"""Run inside the live server's database (``manage.py shell``) before the CSP browser test: the
superuser (tests.dashboard.server.ADMIN) works in the network team, which has a ticket with an
allocation decision (score bars), a resolved ticket with a satisfaction link, a board and a
published KB article. Prints the ticket's id and the satisfaction link's path."""

from django.contrib.auth import get_user_model

from desk.models import KanbanView
from kb.actions import articles
from notifications import csat
from org.models import AgentProfile, Team
from routing.models import AllocationDecision
from tickets.actions import creation, lifecycle, ownership

admin = get_user_model().objects.get(username="dash-admin")
network = Team.objects.create(slug="network", name="Network", capabilities=["network"])
AgentProfile.objects.create(user=admin).teams.set([network])


def ticket(title: str):
    return creation.create_ticket(
        actor=admin,
        data=creation.NewTicket(
            title=title, requester_email="rita@example.com", category="network", team=network
        ),
    )


scored = ticket("CSP VPN drops every ten minutes")
AllocationDecision.objects.create(
    ticket=scored,
    event="ticket.created",
    method="scoring",
    team=network,
    team_name=network.name,
    scores={"capability": 0.9, "availability": 0.5, "proximity": 0.25, "composite": 0.66},
    candidates=[{"group_id": "x", "group_name": "Runner up", "composite": 0.4, "scores": {}}],
    rationale="Best capability match.",
    confidence=0.8,
)
ownership.accept_ticket(ticket_id=scored.pk, actor=admin)
done = ticket("CSP printer offline")
ownership.accept_ticket(ticket_id=done.pk, actor=admin)
lifecycle.resolve_ticket(ticket_id=done.pk, actor=admin, resolution="Restarted the spooler.")
KanbanView.objects.create(name="Network board", team=network, filters="q=CSP")
articles.save_article(
    actor=admin, title="VPN drops", body="Set the **MTU** to 1400.", status="published"
)
print(f"TICKET={scored.pk}")
print("CSAT=/csat/" + csat.make_token(done) + "/")
