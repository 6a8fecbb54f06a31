"""The two reads every routing decision makes, in plain SQL: the active teams with their live
load, available agents and measured metrics, and the chosen team's agents with their own load.

Why not the ORM: these run on every decision, and building and compiling the equivalent
querysets (FilteredRelation, CASE per priority, correlated aggregates) cost about 3 ms of
Python per decision against a 10 ms budget; the SQL text below is built once per process and
the rows are read as tuples (docs/benchmarks.md, "Routing"). Table and column names come from
the models' metadata, so a renamed field breaks loudly here rather than silently. Both queries
run on SQLite and PostgreSQL. A team's load comes from the counts the database keeps per team,
status and priority (tickets.TeamLoad), so that read follows the number of teams only; an
agent's load counts their running tickets over the (owner, status) index.
"""

import dataclasses
import json
from functools import cache

from django.contrib.auth import get_user_model
from django.db import connection

from org.models import AgentProfile, Team
from routing.models import TeamMetrics
from routing.snapshots import AgentSnapshot, TeamSnapshot
from routing.sql_names import column, table
from tickets.models import TeamLoad, Ticket

# Team columns, in the order _team_snapshot reads them.
TEAM_FIELDS = (
    "id",
    "slug",
    "name",
    "capabilities",
    "max_bandwidth",
    "latitude",
    "longitude",
    "timezone",
    "avg_resolution_time_hours",
    "sla_compliance_rate",
    "quality_score",
    "cultural_competencies",
)


def _placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


def _membership_join() -> str:
    """FROM the team membership, joined to the available, active agents."""
    through = AgentProfile.teams.through
    user = get_user_model()
    return (
        f"FROM {table(through)} mb "
        f"JOIN {table(AgentProfile)} ap ON ap.{column(AgentProfile, 'id')} = "
        f"mb.{column(through, 'agentprofile')} "
        f"JOIN {table(user)} u ON u.{column(user, 'id')} = ap.{column(AgentProfile, 'user')} "
        f"WHERE ap.{column(AgentProfile, 'is_available')} = %s "
        f"AND u.{column(user, 'is_active')} = %s"
    )


@cache
def _team_sql(vendor: str, priorities: int, statuses: int, categories: int = 1) -> str:
    team_id = column(Team, "id")
    through = AgentProfile.teams.through
    columns = ", ".join(f"t.{column(Team, field)}" for field in TEAM_FIELDS)
    whens = " ".join(["WHEN %s THEN %s"] * priorities)
    return (
        f"SELECT {columns}, "  # noqa: S608 - names from _meta
        # The capacity the team's running work takes, weighted by priority: from the kept
        # counts per status and priority (tickets.TeamLoad), a few rows per team whatever
        # the backlog (counting the open tickets cost 14-22 ms at 50,000 open).
        f"COALESCE((SELECT SUM(CASE ld.{column(TeamLoad, 'priority')} {whens} ELSE %s END "
        f"* ld.{column(TeamLoad, 'tickets')}) "
        f"FROM {table(TeamLoad)} ld WHERE ld.{column(TeamLoad, 'team')} = t.{team_id} "
        f"AND ld.{column(TeamLoad, 'status')} IN ({_placeholders(statuses)})), %s), "
        "COALESCE(av.n, 0), "
        f"m.{column(TeamMetrics, 'resolved_count')}, "
        f"m.{column(TeamMetrics, 'avg_resolution_time_hours')}, "
        f"m.{column(TeamMetrics, 'sla_compliance_rate')}, "
        f"m.{column(TeamMetrics, 'category')} "
        # A team comes once per category it has metrics of among those asked (once with
        # NULLs when it has none): a batch reads every category of its tickets at once.
        f"FROM {table(Team)} t LEFT JOIN {table(TeamMetrics)} m "
        f"ON m.{column(TeamMetrics, 'team')} = t.{team_id} "
        f"AND m.{column(TeamMetrics, 'category')} IN ({_placeholders(categories)}) "
        # Available agents of every team in one grouped pass (a correlated count per team
        # made PostgreSQL scan all profiles once per team: 3 ms with 50 teams).
        f"LEFT JOIN (SELECT mb.{column(through, 'team')} AS team_id, COUNT(*) AS n "
        f"{_membership_join()} GROUP BY mb.{column(through, 'team')}) av "
        f"ON av.team_id = t.{team_id} "
        f"WHERE t.{column(Team, 'status')} = %s "
        f"ORDER BY t.{column(Team, 'name')}, t.{team_id}"
    )


def _json_list(value) -> tuple:
    """A JSON list column (text on both backends: Django decodes JSON itself)."""
    if isinstance(value, str | bytes):
        value = json.loads(value)
    return tuple(value or ())


def _uuid_text(value) -> str:
    """A UUID primary key as its canonical text (SQLite stores the bare hex)."""
    text = str(value)
    if len(text) == 32:
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
    return text


def _team_params(categories: list[str], load_per_priority: dict, running_statuses: tuple) -> list:
    """The values of _team_sql's placeholders, in order."""
    params: list = []
    for priority, weight in load_per_priority.items():
        params += [priority, float(weight)]
    return [*params, 1.0, *running_statuses, 0.0, *categories, True, True, Team.Status.ACTIVE]


def team_snapshots(
    *, category: str, load_per_priority: dict[str, float], running_statuses: tuple[str, ...]
) -> list[TeamSnapshot]:
    """Every active team, by name, with its live load (running work weighted by priority),
    its available agents and its measured metrics for the category: one query."""
    return team_snapshots_by_category(
        categories=[category],
        load_per_priority=load_per_priority,
        running_statuses=running_statuses,
    )[category]


def team_snapshots_by_category(
    *, categories, load_per_priority: dict[str, float], running_statuses: tuple[str, ...]
) -> dict[str, list[TeamSnapshot]]:
    """``team_snapshots`` for several categories in one query, keyed by category."""
    wanted = list(dict.fromkeys(categories))
    sql = _team_sql(connection.vendor, len(load_per_priority), len(running_statuses), len(wanted))
    with connection.cursor() as cursor:
        cursor.execute(sql, _team_params(wanted, load_per_priority, running_statuses))
        rows = cursor.fetchall()
    teams: dict[object, tuple] = {}  # by name and id, as the query orders them
    measured: dict[tuple, tuple] = {}
    for row in rows:
        teams.setdefault(row[0], row[:-4])
        if row[-1] is not None:
            measured[(row[0], row[-1])] = row[-4:-1]
    # Each team's snapshot is built once (its JSON lists decoded once) and shared by the
    # categories where it has no measurement: a batch asks for ten categories or so, and built
    # per category and team the snapshots were a fixed cost of every batch (docs/benchmarks.md).
    unmeasured = (None, None, None)
    shared = {team_id: _team_snapshot(base + unmeasured) for team_id, base in teams.items()}
    return {
        category: [
            _with_measurement(snapshot, measured.get((team_id, category)))
            for team_id, snapshot in shared.items()
        ]
        for category in wanted
    }


def _with_measurement(snapshot: TeamSnapshot, values: tuple | None) -> TeamSnapshot:
    """The team's snapshot with its measurement for one category, if it has one."""
    if values is None:
        return snapshot
    count, hours, compliance = values
    return dataclasses.replace(
        snapshot,
        measured_count=count or 0,
        measured_resolution_hours=hours,
        measured_compliance=compliance,
    )


def _team_snapshot(row: tuple) -> TeamSnapshot:
    (
        team_id,
        slug,
        name,
        capabilities,
        max_bandwidth,
        latitude,
        longitude,
        timezone,
        avg_hours,
        compliance,
        quality,
        competencies,
        load,
        available_agents,
        measured_count,
        measured_hours,
        measured_compliance,
    ) = row
    return TeamSnapshot(
        team_id=_uuid_text(team_id),
        slug=slug,
        name=name,
        capabilities=_json_list(capabilities),
        active=True,
        max_bandwidth=max_bandwidth,
        load=float(load or 0.0),
        available_agents=available_agents or 0,
        latitude=latitude,
        longitude=longitude,
        timezone=timezone,
        avg_resolution_time_hours=avg_hours,
        sla_compliance_rate=compliance,
        quality_score=quality,
        cultural_competencies=_json_list(competencies),
        measured_count=measured_count or 0,
        measured_resolution_hours=measured_hours,
        measured_compliance=measured_compliance,
    )


@cache
def _agent_sql(vendor: str, statuses: int, teams: int = 1) -> str:
    through = AgentProfile.teams.through
    user = get_user_model()
    return (
        f"SELECT mb.{column(through, 'team')}, ap.{column(AgentProfile, 'user')}, "  # noqa: S608 - names from _meta
        f"u.{column(user, 'email')}, "
        f"ap.{column(AgentProfile, 'skills')}, ap.{column(AgentProfile, 'max_capacity')}, "
        # The running tickets the agent owns.
        f"(SELECT COUNT(*) FROM {table(Ticket)} tk "
        f"WHERE tk.{column(Ticket, 'owner')} = ap.{column(AgentProfile, 'user')} "
        f"AND tk.{column(Ticket, 'status')} IN ({_placeholders(statuses)})) "
        f"{_membership_join()} AND mb.{column(through, 'team')} IN ({_placeholders(teams)}) "
        f"ORDER BY u.{column(user, 'email')}"
    )


def agent_snapshots(team_id, *, running_statuses: tuple[str, ...]) -> list[AgentSnapshot]:
    """The team's available, active agents by e-mail, with the running tickets each owns."""
    by_team = agent_snapshots_by_team([team_id], running_statuses=running_statuses)
    return next(iter(by_team.values()), [])


def agent_snapshots_by_team(
    team_ids, *, running_statuses: tuple[str, ...]
) -> dict[str, list[AgentSnapshot]]:
    """``agent_snapshots`` of several teams in one query, keyed by team id (canonical text);
    a team without available agents has an empty list."""
    wanted = list(dict.fromkeys(_uuid_text(team_id) for team_id in team_ids))
    sql = _agent_sql(connection.vendor, len(running_statuses), len(wanted))
    teams = [Team._meta.pk.get_db_prep_value(team_id, connection) for team_id in wanted]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*running_statuses, True, True, *teams])
        rows = cursor.fetchall()
    by_team: dict[str, list[AgentSnapshot]] = {team_id: [] for team_id in wanted}
    for team_id, user_id, email, skills, capacity, count in rows:
        snapshot = AgentSnapshot(user_id, email, _json_list(skills), capacity, count)
        by_team[_uuid_text(team_id)].append(snapshot)
    return by_team
