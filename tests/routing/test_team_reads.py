"""The two plain-SQL reads of every decision (routing.team_reads), on both backends: every
field of a team snapshot, who counts as an available agent, the measured metrics of the asked
category only, and the agents of a team with the running work they own."""

from org.models import Team
from routing import selectors, team_reads
from routing.models import TeamMetrics
from tests import factories
from tests.routing.test_route_ticket import open_ticket

RUNNING = selectors.RUNNING_STATUSES
LOAD = {"critical": 3.0, "high": 2.0, "medium": 1.0, "low": 0.5}


def _teams(category: str = "network") -> list:
    return team_reads.team_snapshots(
        category=category, load_per_priority=LOAD, running_statuses=RUNNING
    )


def test_a_team_snapshot_carries_every_column(db):
    team = factories.TeamFactory(
        slug="tokyo-net",
        name="Tokyo network",
        capabilities=["network", "vpn"],
        cultural_competencies=["ja", "24x7"],
        max_bandwidth=12,
        latitude=35.68,
        longitude=139.69,
        timezone="Asia/Tokyo",
        avg_resolution_time_hours=3.5,
        sla_compliance_rate=0.91,
        quality_score=0.8,
    )
    TeamMetrics.objects.create(
        team=team,
        category="network",
        resolved_count=40,
        avg_resolution_time_hours=2.25,
        sla_compliance_rate=0.97,
    )
    TeamMetrics.objects.create(team=team, category="email", resolved_count=3)
    [snapshot] = _teams()
    assert snapshot.team_id == str(team.pk)
    assert (snapshot.slug, snapshot.name, snapshot.active) == ("tokyo-net", "Tokyo network", True)
    assert snapshot.capabilities == ("network", "vpn")
    assert snapshot.cultural_competencies == ("ja", "24x7")
    assert (snapshot.max_bandwidth, snapshot.latitude, snapshot.longitude) == (12, 35.68, 139.69)
    assert snapshot.timezone == "Asia/Tokyo"
    assert (snapshot.avg_resolution_time_hours, snapshot.sla_compliance_rate) == (3.5, 0.91)
    assert snapshot.quality_score == 0.8
    assert (snapshot.measured_count, snapshot.measured_resolution_hours) == (40, 2.25)
    assert snapshot.measured_compliance == 0.97
    assert (snapshot.load, snapshot.available_agents) == (0.0, 0)
    [email] = _teams("email")
    assert (email.measured_count, email.measured_resolution_hours) == (3, 0.0)
    [unmeasured] = _teams("hardware")
    assert (unmeasured.measured_count, unmeasured.measured_resolution_hours) == (0, None)


def test_only_active_teams_by_name(db):
    factories.TeamFactory(slug="b", name="Bravo")
    factories.TeamFactory(slug="a", name="Alpha")
    factories.TeamFactory(slug="z", name="Zulu", status=Team.Status.INACTIVE)
    assert [team.slug for team in _teams()] == ["a", "b"]


def test_available_agents_are_available_active_members(db):
    team, other = factories.TeamFactory(slug="one"), factories.TeamFactory(slug="two")
    factories.AgentFactory(teams=[team])
    factories.AgentFactory(teams=[team, other])  # counts for both teams
    away = factories.AgentFactory(teams=[team])
    away.agent_profile.is_available = False
    away.agent_profile.save()
    factories.AgentFactory(teams=[team], is_active=False)  # a departed agent
    counts = {snapshot.slug: snapshot.available_agents for snapshot in _teams()}
    assert counts == {"one": 2, "two": 1}


def test_load_weighs_running_work_by_priority(db):
    team = factories.TeamFactory(slug="one")
    open_ticket(team, priority="critical")
    open_ticket(team, priority="bogus")  # an unknown priority costs one
    open_ticket(team, status="waiting", priority="critical")
    open_ticket(team, status="resolved", priority="critical")
    [snapshot] = _teams()
    assert snapshot.load == 4.0


def test_agents_of_a_team_with_the_running_work_they_own(db):
    team, other = factories.TeamFactory(slug="one"), factories.TeamFactory(slug="two")
    busy = factories.AgentFactory(teams=[team], email="b@example.com")
    busy.agent_profile.skills = ["vpn", "cisco"]
    busy.agent_profile.max_capacity = 7
    busy.agent_profile.save()
    idle = factories.AgentFactory(teams=[team], email="a@example.com")
    factories.AgentFactory(teams=[other], email="c@example.com")
    away = factories.AgentFactory(teams=[team], email="d@example.com")
    away.agent_profile.is_available = False
    away.agent_profile.save()
    open_ticket(team, owner=busy)
    open_ticket(other, owner=busy)  # owned work counts whatever its team
    open_ticket(team, owner=busy, status="waiting")
    open_ticket(team, owner=busy, status="resolved")
    agents = team_reads.agent_snapshots(str(team.pk), running_statuses=RUNNING)
    assert [(a.user_id, a.email, a.open_count) for a in agents] == [
        (idle.pk, "a@example.com", 0),
        (busy.pk, "b@example.com", 2),
    ]
    assert agents[1].skills == ("vpn", "cisco")
    assert agents[1].max_capacity == 7


def test_several_categories_read_each_team_once_and_keep_each_measurement(db, monkeypatch):
    measured = factories.TeamFactory(name="A measured", capabilities=["network"])
    factories.TeamFactory(name="B new", capabilities=["email"])
    TeamMetrics.objects.create(
        team=measured, category="network", resolved_count=9, avg_resolution_time_hours=1.5
    )
    built = []
    build = team_reads._team_snapshot
    monkeypatch.setattr(team_reads, "_team_snapshot", lambda row: built.append(row) or build(row))
    by_category = team_reads.team_snapshots_by_category(
        categories=["network", "email", "hardware"],
        load_per_priority=LOAD,
        running_statuses=RUNNING,
    )
    assert len(built) == 2  # a snapshot a team, not a team and category
    network, email, hardware = (by_category[name] for name in ("network", "email", "hardware"))
    assert [team.name for team in network] == ["A measured", "B new"]
    assert (network[0].measured_count, network[0].measured_resolution_hours) == (9, 1.5)
    assert (email[0].measured_count, email[0].measured_resolution_hours) == (0, None)
    assert email[0] is hardware[0] and email[1] is network[1]  # unmeasured: the same snapshot
    assert network[0].capabilities == email[0].capabilities == ("network",)
