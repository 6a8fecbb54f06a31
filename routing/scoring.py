"""The seven scorers. Pure functions over snapshots; each returns a value in [0, 1], 1 best.

``composite`` is the weighted sum with the configured weights (which sum to 1), so it is in
[0, 1] too.
"""

import math
import zoneinfo
from datetime import datetime, timedelta

from routing.snapshots import RoutingConfig, TeamSnapshot, TicketSnapshot

FACTORS = (
    "availability",
    "bandwidth",
    "velocity",
    "performance",
    "proximity",
    "cultural_fit",
    "timezone",
)
EARTH_RADIUS_KM = 6371.0088
HALF_CIRCUMFERENCE_KM = math.pi * EARTH_RADIUS_KM  # the farthest two points can be
IMPACT_FACTOR = {1: 1.5, 2: 1.25, 3: 1.0, 4: 0.85, 5: 0.75}
FULL_DEPTH_AGENTS = 3
BUSINESS_HOURS = (9, 17)  # team local time, Monday to Friday
ROUND_THE_CLOCK = "24x7"


def clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def ticket_size(ticket: TicketSnapshot, config: RoutingConfig) -> float:
    """Capacity one ticket takes: the load weight of its priority x its impact factor
    (impact 1: x1.5, 2: x1.25, 3 or unknown: x1, 4: x0.85, 5: x0.75)."""
    try:
        impact = IMPACT_FACTOR.get(int(str(ticket.impact).strip()), 1.0)
    except ValueError:
        impact = 1.0
    return config.load_per_priority.get(ticket.priority, 1.0) * impact


def availability(team: TeamSnapshot, ticket: TicketSnapshot, config: RoutingConfig) -> float:
    """Free capacity: ``1 - load / max_bandwidth``, clamped to [0, 1].

    ``load`` is the priority-weighted count of the team's open tickets whose SLA clock runs
    (waiting tickets do not count). A full team (load >= max_bandwidth), or one with no
    bandwidth at all, scores 0.
    """
    if team.max_bandwidth <= 0:
        return 0.0
    return clamp(1.0 - team.load / team.max_bandwidth)


def bandwidth(team: TeamSnapshot, ticket: TicketSnapshot, config: RoutingConfig) -> float:
    """Can the team absorb this ticket: ``absorb x (0.5 + 0.5 x depth)``.

    ``absorb`` = 0 when the headroom (max_bandwidth - load) is smaller than the ticket's size
    (see ``ticket_size``), else ``min(1, headroom / (4 x size))``: four tickets of this size
    to spare is full marks. ``depth`` = ``min(1, available agents / 3)``: a team with nobody
    available keeps half the score at most.
    """
    size = ticket_size(ticket, config)
    headroom = team.max_bandwidth - team.load
    if size <= 0:
        absorb = 1.0 if headroom >= 0 else 0.0
    elif headroom < size:
        absorb = 0.0
    else:
        absorb = clamp(headroom / (4 * size))
    depth = clamp(team.available_agents / FULL_DEPTH_AGENTS)
    return clamp(absorb * (0.5 + 0.5 * depth))


def _measured(team: TeamSnapshot, config: RoutingConfig) -> bool:
    return team.measured_count >= max(1, config.min_resolved_samples)


def resolution_hours(team: TeamSnapshot, config: RoutingConfig) -> float:
    if _measured(team, config) and team.measured_resolution_hours is not None:
        return team.measured_resolution_hours
    return team.avg_resolution_time_hours


def velocity(team: TeamSnapshot, ticket: TicketSnapshot, config: RoutingConfig) -> float:
    """Resolution speed: ``target / (target + hours)``.

    ``hours`` is the team's mean resolution time measured on its resolved tickets of this
    category when there are at least ``min_resolved_samples``, else its baseline metric.
    ``target`` is the target resolution time of the ticket's priority: resolving in no time
    scores 1, in exactly the target 0.5, and the score falls towards 0 as hours grow.
    """
    hours = max(0.0, resolution_hours(team, config))
    target = config.target_hours.get(ticket.priority, 24.0)
    return clamp(target / (target + hours)) if target + hours > 0 else 1.0


def performance(team: TeamSnapshot, ticket: TicketSnapshot, config: RoutingConfig) -> float:
    """SLA compliance and quality: ``0.6 x compliance + 0.4 x quality_score``.

    ``compliance`` is the share of the team's resolved tickets of this category resolved
    within their priority's target, when there are enough of them (as for velocity), else
    the baseline ``sla_compliance_rate``.
    """
    compliance = team.sla_compliance_rate
    if _measured(team, config) and team.measured_compliance is not None:
        compliance = team.measured_compliance
    return clamp(0.6 * clamp(compliance) + 0.4 * clamp(team.quality_score))


def great_circle_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Haversine distance in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lng2 - lng1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def proximity(team: TeamSnapshot, ticket: TicketSnapshot, config: RoutingConfig) -> float:
    """``1 - distance / half the earth's circumference``: 1 in the same place, 0 at the
    antipode. Neutral 0.5 when the team's or the requester's location is unknown."""
    points = (team.latitude, team.longitude, ticket.latitude, ticket.longitude)
    if any(value is None for value in points):
        return 0.5
    return clamp(1.0 - great_circle_km(*points) / HALF_CIRCUMFERENCE_KM)


def region_of(tz_name: str) -> str:
    area = (tz_name or "").split("/", 1)[0]
    if area == "America":
        return "americas"
    if area in ("Europe", "Africa"):
        return "emea"
    if area in ("Asia", "Australia", "Pacific"):
        return "apac"
    return ""


def required_competencies(ticket: TicketSnapshot) -> set[str]:
    """What the ticket calls for: the requester's language (``de`` of ``de-AT``) and region
    (americas / emea / apac, from their time zone), ``24x7`` for a critical ticket and
    ``vip`` for a VIP requester."""
    needed = set()
    if ticket.language:
        needed.add(ticket.language.lower().replace("_", "-").split("-")[0])
    region = region_of(ticket.timezone)
    if region:
        needed.add(region)
    if ticket.priority == "critical":
        needed.add(ROUND_THE_CLOCK)
    if ticket.tier == "vip":
        needed.add("vip")
    return needed


def cultural_fit(team: TeamSnapshot, ticket: TicketSnapshot, config: RoutingConfig) -> float:
    """Share of the required competencies (see ``required_competencies``) that the team
    lists; 1 when the ticket calls for none."""
    needed = required_competencies(ticket)
    if not needed:
        return 1.0
    has = {competency.lower() for competency in team.cultural_competencies}
    return len(needed & has) / len(needed)


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _offset_hours(name: str, at: datetime) -> float:
    offset = at.astimezone(_zone(name)).utcoffset() or timedelta(0)
    return offset.total_seconds() / 3600


def in_business_hours(team: TeamSnapshot, at: datetime) -> bool:
    if ROUND_THE_CLOCK in {c.lower() for c in team.cultural_competencies}:
        return True
    local = at.astimezone(_zone(team.timezone))
    return local.weekday() < 5 and BUSINESS_HOURS[0] <= local.hour < BUSINESS_HOURS[1]


def timezone_fit(
    team: TeamSnapshot, ticket: TicketSnapshot, config: RoutingConfig, at: datetime
) -> float:
    """``0.5 x open_now + 0.5 x (1 - offset distance / 12 h)``.

    ``open_now`` is 1 when it is business hours (09-17, Monday-Friday) in the team's time
    zone at the moment of the decision (always, for a ``24x7`` team), else 0. The offset
    distance is the shortest way round the clock between the team's and the requester's UTC
    offsets at that moment (0-12 h), so the same zone scores 1 and the far side 0.
    """
    delta = abs(_offset_hours(team.timezone, at) - _offset_hours(ticket.timezone, at))
    distance = min(delta, 24 - delta) if delta <= 24 else 12.0
    open_now = 1.0 if in_business_hours(team, at) else 0.0
    return clamp(0.5 * open_now + 0.5 * (1 - min(distance, 12.0) / 12.0))


def score_team(
    team: TeamSnapshot, ticket: TicketSnapshot, config: RoutingConfig, at: datetime
) -> dict[str, float]:
    return {
        "availability": availability(team, ticket, config),
        "bandwidth": bandwidth(team, ticket, config),
        "velocity": velocity(team, ticket, config),
        "performance": performance(team, ticket, config),
        "proximity": proximity(team, ticket, config),
        "cultural_fit": cultural_fit(team, ticket, config),
        "timezone": timezone_fit(team, ticket, config, at),
    }


def composite(scores: dict[str, float], weights: dict[str, float]) -> float:
    """Σ weight_f x score_f over the seven factors (weights keyed ``<factor>_weight``)."""
    return clamp(sum(weights[f"{name}_weight"] * scores[name] for name in FACTORS))
