"""One of everything the API serves, owned so that each role has something it may see and
something it must not: team A's ticket (requester R), and logins for every role."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from integrations.actions.keys import create_api_key
from kb.models import Article, ArticleStatus
from resolutions.models import ApprovalRequest, CalibrationItem, Resolution
from tests import factories
from tests.dashboard.factories import DecisionFactory
from tests.escalations.factories import EnvelopeFactory
from tests.notifications.factories import NotificationFactory
from tests.routing.factories import RoutingRuleFactory, ScoringWeightsFactory
from tests.sla.factories import CalendarFactory, PolicyFactory, ReminderFactory
from tickets.models import Attachment

ROLES = (
    "anonymous",
    "integration",
    "stranger",  # a requester with no ticket here
    "requester",  # the ticket's requester
    "other_agent",  # an agent of a team with no part in the ticket
    "expert",  # an agent of the team the ticket's envelope is addressed to
    "agent",  # an agent of the ticket's team
    "manager",
    "admin",
)


@dataclass
class World:
    users: dict
    api_key: str
    ids: dict
    secrets: dict  # role -> strings that must appear in no answer that role gets


def build_world() -> World:
    team = factories.TeamFactory(slug="network", capabilities=["network"])
    other_team = factories.TeamFactory(slug="apps", capabilities=["sap"])
    expert_team = factories.TeamFactory(slug="database", capabilities=["postgres"])
    agent = factories.AgentFactory(teams=[team])
    requester = factories.RequesterFactory()
    ticket = factories.TicketFactory(team=team, requester=requester.contact)
    users = {
        "anonymous": None,
        "stranger": factories.RequesterFactory(),
        "requester": requester,
        "other_agent": factories.AgentFactory(teams=[other_team]),
        "expert": factories.AgentFactory(teams=[expert_team]),
        "agent": agent,
        "manager": factories.ManagerFactory(),
        "admin": factories.AdminUserFactory(),
    }
    _, api_key = create_api_key(source="generic", name="security")
    attachment = Attachment.objects.create(
        ticket=ticket,
        file=SimpleUploadedFile("a.txt", b"hello"),
        filename="a.txt",
        content_type="text/plain",
        size=5,
    )
    article = Article.objects.create(
        title="VPN",
        body="Restart it.",
        body_html="<p>Restart it.</p>",
        status=ArticleStatus.PUBLISHED,
    )
    _, approval, calibration = _resolution_rows(ticket, agent, team)
    ids = {
        "approval.pk": approval.pk,
        "calibration.pk": calibration.pk,
        "ticket_id": ticket.pk,
        "ticket.pk": ticket.pk,
        "task.pk": factories.TaskFactory(ticket=ticket).pk,
        "contact.pk": requester.contact.pk,
        "company.pk": factories.CompanyFactory().pk,
        "kind": factories.CaseFlagFactory(ticket=ticket, kind="vip").kind,
        "attachment.pk": attachment.pk,
        "team.pk": team.pk,
        "agent.pk": agent.pk,  # agents are addressed by user id
        "routing-group.pk": team.pk,
        "envelope.pk": EnvelopeFactory(ticket=ticket, team=expert_team).pk,
        "sla-policy.pk": PolicyFactory().pk,
        "sla-calendar.pk": CalendarFactory().pk,
        "reminder.pk": ReminderFactory(user=agent, ticket=ticket).pk,
        "routing-rule.pk": RoutingRuleFactory().pk,
        "routing-weights.pk": ScoringWeightsFactory().pk,
        "routing-decision.pk": DecisionFactory(ticket=ticket).pk,
        "kb-article.pk": article.pk,
        "notification.pk": NotificationFactory(user=agent).pk,  # the agent's own
        "event_type": "assigned",
    }
    of_ticket = [
        str(ticket.pk),
        ticket.reference,
        str(ids["envelope.pk"]),
        str(ids["task.pk"]),
        str(attachment.pk),
        str(ids["routing-decision.pk"]),
    ]
    internal = [str(ids["envelope.pk"]), str(ids["task.pk"])]
    secrets = {role: of_ticket for role in ("anonymous", "integration", "stranger", "other_agent")}
    secrets["requester"] = internal
    return World(users=users, api_key=api_key, ids=ids, secrets=secrets)


def _resolution_rows(ticket, agent, team):
    """A tier-2 resolution of the world's ticket waiting for approval, and its calibration item."""
    resolution = Resolution.objects.create(
        ticket=ticket,
        agent=agent,
        team=team,
        what_went_wrong="product_defect",
        why_eligible="warranty",
        type="refund",
        amount=Decimal("120.00"),
        currency="EUR",
        tier="team_lead",
        status="pending_approval",
    )
    approval = ApprovalRequest.objects.create(
        resolution=resolution, tier="team_lead", team=team, requested_by=agent
    )
    calibration = CalibrationItem.objects.create(
        period="2026-W49", reason="random_sample", ticket=ticket, resolution=resolution
    )
    return resolution, approval, calibration


def undone(request):
    """Make a request and roll back what it wrote: each caller meets the same world. Throttle
    counters are cleared first (these are not rate tests)."""
    cache.clear()
    with transaction.atomic():
        response = request()
        transaction.set_rollback(True)
    return response
