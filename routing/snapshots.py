"""What the routing engine sees: plain, frozen dataclasses, built by routing.selectors from the
database (or from a StandardTicket payload on a dry run). Pure: no ORM here."""

from dataclasses import dataclass, field
from datetime import datetime

PRIORITIES = ("critical", "high", "medium", "low")


@dataclass(frozen=True)
class TicketSnapshot:
    ticket_id: str
    title: str
    description: str = ""
    category: str = ""
    priority: str = "medium"
    type: str = "incident"
    source: str = "web"
    status: str = "new"
    urgency: str = ""
    impact: str = ""
    tier: str = "standard"
    flags: frozenset[str] = frozenset()
    team_slug: str = ""
    created_at: datetime | None = None
    requester_email: str = ""
    latitude: float | None = None
    longitude: float | None = None
    timezone: str = "UTC"
    language: str = ""
    # The team that handled this ticket (reopened) or the requester's previous ticket of
    # the same category within the affinity window; None when there is none.
    previous_team_id: str | None = None


@dataclass(frozen=True)
class TeamSnapshot:
    team_id: str
    slug: str
    name: str
    capabilities: tuple[str, ...] = ()
    active: bool = True
    max_bandwidth: int = 20
    load: float = 0.0  # priority-weighted open work whose SLA clock runs
    available_agents: int = 0
    latitude: float | None = None
    longitude: float | None = None
    timezone: str = "UTC"
    avg_resolution_time_hours: float = 8.0
    sla_compliance_rate: float = 0.9
    quality_score: float = 0.8
    cultural_competencies: tuple[str, ...] = ()
    # Measured on resolved tickets of the ticket's category (None: never measured).
    measured_count: int = 0
    measured_resolution_hours: float | None = None
    measured_compliance: float | None = None


@dataclass(frozen=True)
class AgentSnapshot:
    user_id: int
    email: str
    skills: tuple[str, ...] = ()
    max_capacity: int = 10
    open_count: int = 0


@dataclass(frozen=True)
class RuleSnapshot:
    rule_id: int | None
    name: str
    conditions: tuple = ()
    actions: tuple = ()
    stop: bool = False


@dataclass(frozen=True)
class RoutingConfig:
    weights: dict[str, float]
    load_per_priority: dict[str, float] = field(
        default_factory=lambda: {"critical": 3.0, "high": 2.0, "medium": 1.0, "low": 0.5}
    )
    min_resolved_samples: int = 10
    # Target resolution hours per priority: the yardstick of velocity and measured compliance.
    target_hours: dict[str, float] = field(
        default_factory=lambda: {"critical": 4.0, "high": 8.0, "medium": 24.0, "low": 72.0}
    )
    category_keywords: tuple[str, ...] = ()
