"""python manage.py seed_demo: a small, believable service desk to click through. Idempotent:
teams, people and tickets are keyed by slug, username, e-mail and demo id, and existing rows are
left as they are."""

import random

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from core.roles import Role
from kb.actions.articles import seed_demo_articles
from org.actions.agents import NewAgent, Place, create_agent
from org.models import AgentProfile, Team
from tickets.actions import creation, lifecycle, ownership, timeline
from tickets.models import Company, Contact, Ticket, Tier

User = get_user_model()

DEMO_PASSWORD = "demo-pass-2026"  # printed by the command; demo data only
DEMO_SOURCE = "demo"

TEAMS = [
    # slug, name, capabilities, (lat, lng, tz), competencies
    (
        "network",
        "Network Team",
        ["network", "vpn", "firewall", "wifi", "dns"],
        (40.7128, -74.0060, "America/New_York"),
        ["en", "es"],
    ),
    (
        "service-desk",
        "Service Desk",
        ["general", "access", "password", "email", "hardware"],
        (51.5074, -0.1278, "Europe/London"),
        ["en", "fr", "de"],
    ),
    (
        "applications",
        "Business Applications",
        ["application", "sap", "erp", "software"],
        (52.5200, 13.4050, "Europe/Berlin"),
        ["de", "en"],
    ),
    (
        "security",
        "Security Operations",
        ["security", "phishing", "malware", "access"],
        (1.3521, 103.8198, "Asia/Singapore"),
        ["en", "zh", "apac"],
    ),
    (
        "senior-support",
        "Senior Support",
        ["critical", "database", "outage", "infrastructure"],
        (-33.8688, 151.2093, "Australia/Sydney"),
        ["en", "apac"],
    ),
]

AGENTS = [
    # username, name, teams, skills
    ("nina.network", "Nina Alvarez", ["network"], ["cisco", "vpn"]),
    ("omar.network", "Omar Haddad", ["network", "security"], ["firewall", "dns"]),
    ("sam.desk", "Sam Taylor", ["service-desk"], ["windows", "office365"]),
    ("lea.desk", "Lea Martin", ["service-desk"], ["macos", "printers"]),
    ("jonas.apps", "Jonas Weber", ["applications"], ["sap", "abap"]),
    ("mia.apps", "Mia Schulz", ["applications"], ["salesforce", "erp"]),
    ("wei.security", "Wei Chen", ["security"], ["siem", "phishing"]),
    ("priya.security", "Priya Nair", ["security"], ["malware", "forensics"]),
    ("liam.senior", "Liam O'Brien", ["senior-support"], ["postgresql", "linux"]),
    ("ava.senior", "Ava Wilson", ["senior-support", "network"], ["kubernetes", "aws"]),
]

REQUESTERS = [
    ("alice@acme.example", "Alice Johnson", "Acme Corp"),
    ("bob@acme.example", "Bob Smith", "Acme Corp"),
    ("carol@globex.example", "Carol White", "Globex (VIP)"),
    ("dan@initech.example", "Dan Brown", "Initech"),
    ("erin@initech.example", "Erin Davis", None),
    ("frank@umbrella.example", "Frank Miller", None),
]

TICKETS = [
    # title, category, team, urgency, impact, type
    ("VPN drops every 10 minutes", "vpn", "network", "2", "2", "incident"),
    ("Office wifi unreachable on floor 3", "wifi", "network", "1", "2", "incident"),
    ("DNS resolution slow for intranet", "dns", "network", "3", "2", "incident"),
    ("Request firewall port for payroll app", "firewall", "network", "3", "3", "request"),
    ("Password reset for new starter", "password", "service-desk", "3", "3", "request"),
    ("Outlook keeps asking for credentials", "email", "service-desk", "2", "3", "incident"),
    ("Laptop screen cracked", "hardware", "service-desk", "3", "3", "incident"),
    ("Access to shared drive Finance", "access", "service-desk", "3", "3", "request"),
    ("SAP invoice posting fails with error F5 702", "sap", "applications", "2", "2", "incident"),
    ("ERP month-end report timing out", "erp", "applications", "1", "2", "incident"),
    ("Install Visio on design team laptops", "software", "applications", "4", "3", "request"),
    ("Change: upgrade CRM to v12", "application", "applications", "3", "2", "change"),
    ("Phishing e-mail reported by finance", "phishing", "security", "2", "2", "incident"),
    ("Malware alert on workstation WS-114", "malware", "security", "1", "1", "incident"),
    ("Review admin rights of contractors", "access", "security", "3", "3", "request"),
    ("Production database failover", "database", "senior-support", "1", "1", "incident"),
    ("Recurring outage of the order portal", "outage", "senior-support", "2", "1", "problem"),
    ("Storage array nearly full", "infrastructure", "senior-support", "2", "2", "incident"),
]

# How far along each demo ticket is: cycled over the tickets for a mix of states.
STAGES = ["new", "in_progress", "waiting", "resolved", "closed", "in_progress", "new", "resolved"]


class Command(BaseCommand):
    help = "Create demo teams, agents, a manager, requesters and tickets (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--tickets", type=int, default=36, help="How many demo tickets.")

    def handle(self, *args, tickets: int, **options) -> None:
        created = {"teams": 0, "agents": 0, "requesters": 0, "tickets": 0}
        with transaction.atomic():
            created["teams"] = self._teams()
            created["agents"] = self._agents()
            created["requesters"] = self._requesters()
        created["tickets"] = self._tickets(tickets)
        created["articles"] = seed_demo_articles()
        summary = ", ".join(f"{count} {name}" for name, count in created.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data ready (new: {summary})."))
        self.stdout.write(
            f"Demo agents, manager and requesters sign in with password {DEMO_PASSWORD}"
        )
        self.stdout.write("  manager: maria.manager; agents: " + ", ".join(a[0] for a in AGENTS))
        self.stdout.write("  requesters: " + ", ".join(r[0] for r in REQUESTERS))

    def _teams(self) -> int:
        count = 0
        for slug, name, capabilities, (lat, lng, tz), competencies in TEAMS:
            _, created = Team.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "capabilities": capabilities,
                    "latitude": lat,
                    "longitude": lng,
                    "timezone": tz,
                    "cultural_competencies": competencies,
                    "max_bandwidth": 25,
                },
            )
            count += created
        return count

    def _agents(self) -> int:
        count = 0
        people = [*AGENTS, ("maria.manager", "Maria Rossi", [], ["reporting"])]
        for username, name, teams, skills in people:
            if User.objects.filter(username=username).exists():
                continue
            team = Team.objects.filter(slug=teams[0]).first() if teams else None
            create_agent(
                actor=None,
                data=NewAgent(
                    username=username,
                    email=f"{username}@servicedesk.example",
                    name=name,
                    password=DEMO_PASSWORD,
                    role=Role.MANAGER if username == "maria.manager" else Role.AGENT,
                    team_slugs=tuple(teams),
                    skills=tuple(skills),
                    place=Place(
                        team.latitude if team else None,
                        team.longitude if team else None,
                        team.timezone if team else "UTC",
                    ),
                ),
            )
            count += 1
        return count

    def _requesters(self) -> int:
        count = 0
        for email, name, company_name in REQUESTERS:
            if Contact.objects.filter(email=email).exists():
                continue
            company = None
            if company_name:
                tier = Tier.VIP if "VIP" in company_name else Tier.STANDARD
                company, _ = Company.objects.get_or_create(
                    name=company_name, defaults={"tier": tier, "domain": email.split("@")[1]}
                )
            user = User.objects.create_user(
                username=email, email=email, password=DEMO_PASSWORD, first_name=name
            )
            Contact.objects.create(email=email, name=name, company=company, user=user)
            count += 1
        return count

    def _tickets(self, how_many: int) -> int:
        rng = random.Random(2026)  # the same demo every time  # noqa: S311
        admin_actor = User.objects.filter(username="maria.manager").get()
        existing = set(
            Ticket.objects.filter(source=DEMO_SOURCE).values_list("external_id", flat=True)
        )
        count = 0
        for index in range(how_many):
            external_id = f"demo-{index:03d}"
            if external_id in existing:
                continue
            title, category, slug, urgency, impact, kind = TICKETS[index % len(TICKETS)]
            email, name, _ = REQUESTERS[index % len(REQUESTERS)]
            team = Team.objects.get(slug=slug)
            ticket = creation.create_ticket(
                actor=admin_actor,
                data=creation.NewTicket(
                    title=title,
                    description=f"{title}. Reported via the demo seed (#{index}).",
                    requester_email=email,
                    requester_name=name,
                    type=kind,
                    category=category,
                    urgency=urgency,
                    impact=impact,
                    source=DEMO_SOURCE,
                    external_id=external_id,
                    team=team,
                ),
            )
            self._advance(ticket, STAGES[index % len(STAGES)], team, rng)
            count += 1
        return count

    def _advance(self, ticket: Ticket, stage: str, team: Team, rng: random.Random) -> None:
        if stage == "new":
            return
        agents = list(AgentProfile.objects.filter(teams=team).select_related("user"))
        owner = rng.choice(agents).user
        ownership.accept_ticket(ticket_id=ticket.pk, actor=owner)
        timeline.add_timeline_entry(
            ticket_id=ticket.pk,
            actor=owner,
            type="email",
            visibility="public",
            content="Thanks for reporting this, I am looking into it now.",
        )
        if stage == "waiting":
            lifecycle.wait_ticket(
                ticket_id=ticket.pk, actor=owner, reason="Asked for a screenshot."
            )
        if stage in ("resolved", "closed"):
            lifecycle.resolve_ticket(
                ticket_id=ticket.pk, actor=owner, resolution="Fixed and confirmed with the user."
            )
        if stage == "closed":
            lifecycle.close_ticket(ticket_id=ticket.pk, actor=owner)
