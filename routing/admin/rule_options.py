"""What the rule form offers in its lists: the values of the enumerated condition fields, the
teams and agents a rule can name, the categories in use. Read once per form (a few queries,
whatever the number of rows)."""

from dataclasses import dataclass, field

from org.models import AgentProfile, Team
from routing.actions.rule_checks import every_status_choice, known_sources
from routing.models import TriageKeyword
from routing.rules import NOTIFY_TARGETS
from tickets.models import CaseFlag, Priority, TicketType
from tickets.requesters import Tier

# The condition fields whose value is picked from a list (equals / in).
ENUM_FIELDS = ("priority", "type", "source", "status", "tier", "team")
NOTIFY_LABELS = {
    "requester": "The requester",
    "owner": "The ticket's owner",
    "team": "The ticket's team",
    "managers": "The managers",
}

Choices = list[tuple[str, str]]


@dataclass
class RuleOptions:
    values: dict[str, Choices]  # enumerated condition field -> (value, label)
    teams: Choices  # ("team:<slug>", name)
    agents: Choices  # ("agent:<email>", "Name <email>")
    categories: list[str] = field(default_factory=list)

    @classmethod
    def load(cls) -> "RuleOptions":
        teams = list(Team.objects.order_by("name").values_list("slug", "name"))
        agents = AgentProfile.objects.filter(user__is_active=True).exclude(user__email="")
        agent_rows = agents.order_by("user__email").values_list(
            "user__email", "user__first_name", "user__last_name"
        )
        sources = known_sources()
        categories = set(TriageKeyword.objects.values_list("category", flat=True).distinct())
        for capabilities in Team.objects.values_list("capabilities", flat=True):
            categories.update(str(c).lower() for c in capabilities or ())
        return cls(
            values={
                "priority": list(Priority.choices),
                "type": list(TicketType.choices),
                "source": [(source, source) for source in sources],
                # The ticket's statuses, and an envelope's for escalation.age_exceeded (the
                # action's check refuses a status the rule's event does not have).
                "status": every_status_choice(),
                "tier": list(Tier.choices),
                "team": [(slug, name) for slug, name in teams],
            },
            teams=[(f"team:{slug}", name) for slug, name in teams],
            agents=[
                (f"agent:{email.lower()}", f"{f'{first} {last}'.strip() or email} <{email}>")
                for email, first, last in agent_rows
            ],
            categories=sorted(categories),
        )

    def value_choices(self, extra: dict[str, list[str]] | None = None) -> list:
        """Grouped by field (the page shows the group of the chosen field), with any value
        a stored rule holds that the lists do not (kept, so the rule round-trips)."""
        groups = []
        for name in ENUM_FIELDS:
            known = list(self.values[name])
            have = {value for value, _ in known}
            known += [(v, f"{v} (unknown)") for v in (extra or {}).get(name, []) if v not in have]
            groups.append((name, known))
        return groups

    def target_choices(self, extra: list[str] = ()) -> list:
        notify = [(name, NOTIFY_LABELS[name]) for name in NOTIFY_TARGETS]
        groups = [("Teams", list(self.teams)), ("Agents", list(self.agents)), ("People", notify)]
        known = {value for _, group in groups for value, _ in group}
        unknown = [value for value in dict.fromkeys(extra) if value not in known]
        if unknown:
            groups.append(("Unknown", [(value, f"{value} (unknown)") for value in unknown]))
        return [("", "---------"), *groups]


FLAG_CHOICES = list(CaseFlag.Kind.choices)
PRIORITY_CHOICES = list(Priority.choices)
