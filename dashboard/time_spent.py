"""Minutes logged with replies and notes (tickets.TimeSpent) over the last N days: per agent
(with each agent's split by team), per team and in total. One grouped query, whatever the
number of entries; the team is the ticket's team when the time was logged."""

from datetime import datetime

from django.db.models import Count, Sum

from dashboard.analytics import DEFAULT_DAYS, window
from tickets.models import TimeSpent

NO_TEAM = "(no team)"
CSV_COLUMNS = ["agent_id", "username", "name", "team_id", "team", "minutes"]


def time_spent(*, days: int = DEFAULT_DAYS, now: datetime | None = None) -> dict:
    _, start = window(days, now)
    rows = list(
        TimeSpent.objects.filter(created_at__gte=start)
        .values(
            "agent_id",
            "agent__username",
            "agent__first_name",
            "agent__last_name",
            "team_id",
            "team__name",
        )
        .annotate(minutes=Sum("minutes"), entries=Count("*"))
        .order_by("agent__username", "team__name")
    )
    agents: dict = {}
    teams: dict = {}
    for row in rows:
        team_id = str(row["team_id"]) if row["team_id"] else None
        team_name = row["team__name"] or NO_TEAM
        agent = agents.setdefault(
            row["agent_id"],
            {
                "id": row["agent_id"],
                "username": row["agent__username"],
                "name": _name(row),
                "minutes": 0,
                "entries": 0,
                "teams": [],
            },
        )
        agent["minutes"] += row["minutes"]
        agent["entries"] += row["entries"]
        agent["teams"].append({"id": team_id, "name": team_name, "minutes": row["minutes"]})
        team = teams.setdefault(
            team_id, {"id": team_id, "name": team_name, "minutes": 0, "entries": 0}
        )
        team["minutes"] += row["minutes"]
        team["entries"] += row["entries"]
    return {
        "days": days,
        "total_minutes": sum(agent["minutes"] for agent in agents.values()),
        "agents": list(agents.values()),
        "teams": sorted(teams.values(), key=lambda team: team["name"]),
    }


def csv_rows(data: dict) -> list[dict]:
    """One row per agent and team (a spreadsheet sums them either way)."""
    return [
        {
            "agent_id": agent["id"],
            "username": agent["username"],
            "name": agent["name"],
            "team_id": team["id"] or "",
            "team": team["name"],
            "minutes": team["minutes"],
        }
        for agent in data["agents"]
        for team in agent["teams"]
    ]


def _name(row: dict) -> str:
    """As core.display.display_name names a user: the full name, else the username."""
    full_name = f"{row['agent__first_name']} {row['agent__last_name']}".strip()
    return full_name or row["agent__username"]
