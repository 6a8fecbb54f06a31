import pytest
from rest_framework.test import APIClient

from core.models import AuditLog
from integrations.actions.keys import create_api_key
from routing.actions.route import route_ticket
from routing.models import AllocationDecision, RoutingRule, ScoringWeights
from tests import factories
from tests.routing.factories import RoutingRuleFactory, unrouted_ticket
from tickets.models import Ticket, TimelineEntry

pytestmark = pytest.mark.django_db

SCORE_KEYS = {
    "availability",
    "bandwidth",
    "velocity",
    "performance",
    "proximity",
    "cultural_fit",
    "timezone",
    "composite",
}
DECISION_KEYS = {
    "decision_id",
    "ticket_id",
    "allocation",
    "scores",
    "rationale",
    "confidence",
    "rule",
    "candidates",
    "decided_at",
    "triage",  # added (issue 22): semantic triage's reading, null when none ran
}


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_groups_in_assignment_group_shape_with_live_load(
    team, agent, django_assert_max_num_queries
):
    factories.TicketFactory(team=team)
    with django_assert_max_num_queries(4):
        response = client_for(agent).get("/api/v1/routing/groups/")
    assert response.status_code == 200
    group = response.json()["results"][0]
    assert set(group) == {
        "group_id",
        "name",
        "location",
        "capabilities",
        "status",
        "max_bandwidth",
        "current_load",
        "metrics",
    }
    assert group["current_load"] == 1
    assert set(group["location"]) == {"lat", "lng", "timezone"}
    assert set(group["metrics"]) == {
        "avg_resolution_time_hours",
        "sla_compliance_rate",
        "quality_score",
        "cultural_competencies",
    }


def test_groups_query_count_does_not_grow_with_teams(agent, django_assert_max_num_queries):
    for count in (5, 50):
        for i in range(count):
            factories.TeamFactory(slug=f"g{count}-{i}")
        with django_assert_max_num_queries(4):
            assert client_for(agent).get("/api/v1/routing/groups/?page_size=100").status_code == 200


def test_requesters_and_anonymous_are_refused(requester):
    assert client_for(requester).get("/api/v1/routing/groups/").status_code == 403
    assert APIClient().get("/api/v1/routing/rules/").status_code == 401


RULE = {
    "name": "route_critical_to_senior",
    "trigger": {
        "event": "ticket.created",
        "conditions": [{"priority": "critical"}, {"type": "incident"}],
    },
    "action": {"type": "assign", "to": "team:senior-support"},
}


def test_rules_crud_in_the_yaml_shape(admin_user, agent):
    factories.TeamFactory(slug="senior-support")
    admin = client_for(admin_user)
    created = admin.post("/api/v1/routing/rules/", RULE, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["trigger"] == RULE["trigger"] and body["action"] == RULE["action"]
    rule_id = body["id"]
    patched = admin.patch(
        f"/api/v1/routing/rules/{rule_id}/", {"stop": True, "order": 5}, format="json"
    )
    assert patched.status_code == 200 and patched.json()["stop"] is True
    assert client_for(agent).get("/api/v1/routing/rules/").json()["results"][0]["order"] == 5
    assert client_for(agent).post("/api/v1/routing/rules/", RULE, format="json").status_code == 403
    assert admin.delete(f"/api/v1/routing/rules/{rule_id}/").status_code == 204
    assert AuditLog.objects.filter(action="routing.rule_deleted").exists()


@pytest.mark.parametrize(
    "bad",
    [
        {**RULE, "trigger": {"event": "nope"}},
        {**RULE, "action": {"type": "assign", "to": "nobody"}},
        {
            **RULE,
            "trigger": {"event": "ticket.created", "conditions": [{"title": {"matches": "("}}]},
        },
        {**RULE, "actions": [RULE["action"]]},
        {**RULE, "owner": "me"},
        {"name": "x"},
        [1, 2],
    ],
)
def test_invalid_rules_are_400_with_the_error_shape(admin_user, bad):
    response = client_for(admin_user).post("/api/v1/routing/rules/", bad, format="json")
    assert response.status_code == 400
    assert "errors" in response.json()
    assert not RoutingRule.objects.exists()


def test_weights_must_sum_to_one(admin_user):
    admin = client_for(admin_user)
    default = admin.get("/api/v1/routing/weights/").json()["results"][0]
    assert default["category"] == "" and default["availability_weight"] == 0.25
    bad = admin.patch(
        f"/api/v1/routing/weights/{default['id']}/", {"availability_weight": 0.5}, format="json"
    )
    assert bad.status_code == 400
    assert "sum to 1" in bad.json()["errors"]["non_field_errors"][0]
    good = admin.patch(
        f"/api/v1/routing/weights/{default['id']}/",
        {"availability_weight": 0.35, "bandwidth_weight": 0.05},
        format="json",
    )
    assert good.status_code == 200, good.content
    assert ScoringWeights.objects.get(category="").availability_weight == 0.35
    override = dict(default, category="network")
    override.pop("id"), override.pop("updated_at")
    assert admin.post("/api/v1/routing/weights/", override, format="json").status_code == 201
    assert admin.post("/api/v1/routing/weights/", override, format="json").status_code == 400


def test_decisions_list_filtered_by_visibility_with_bounded_queries(
    team, other_team, agent, manager, django_assert_max_num_queries
):
    for count in (2, 8):
        for _ in range(count):
            route_ticket(ticket_id=unrouted_ticket(category="network").pk)
            route_ticket(ticket_id=unrouted_ticket(category="sap").pk)
        with django_assert_max_num_queries(6):
            response = client_for(manager).get("/api/v1/routing/decisions/?page_size=100")
        assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 20
    assert set(results[0]) == DECISION_KEYS
    mine = client_for(agent).get("/api/v1/routing/decisions/?page_size=100").json()["results"]
    assert len(mine) == 10
    assert {d["allocation"]["group_id"] for d in mine} == {str(team.pk)}
    one = mine[0]
    detail = client_for(agent).get(f"/api/v1/routing/decisions/{one['decision_id']}/")
    assert detail.json() == one


def test_allocate_an_existing_ticket_persists_and_answers_the_decision(team, manager):
    ticket = unrouted_ticket(category="network")
    response = client_for(manager).post(
        "/api/v1/handlers/allocate", {"ticket_id": str(ticket.pk)}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == DECISION_KEYS
    assert set(body["scores"]) == SCORE_KEYS
    assert body["allocation"]["group_id"] == str(team.pk)
    assert body["allocation"]["group_name"] == team.name
    assert body["ticket_id"] == str(ticket.pk)
    assert body["rule"] is None
    assert body["confidence"] == body["scores"]["composite"]
    assert body["candidates"][0]["group_id"] == str(team.pk)
    stored = AllocationDecision.objects.get(ticket=ticket)
    assert body["decision_id"] == str(stored.pk)
    assert Ticket.objects.get(pk=ticket.pk).team == team


def test_allocate_with_a_rule_names_it(team, other_team, admin_user):
    RoutingRuleFactory(name="all-to-apps", actions=[{"type": "assign", "to": "team:apps"}])
    ticket = unrouted_ticket(category="network")
    body = (
        client_for(admin_user)
        .post("/api/v1/handlers/allocate", {"ticket_id": str(ticket.pk)}, format="json")
        .json()
    )
    assert (body["rule"], body["allocation"]["group_id"]) == ("all-to-apps", str(other_team.pk))


STANDARD = {
    "ticket_id": "INC0001",
    "ticket_number": "INC0001",
    "title": "VPN is down",
    "description": "since 9",
    "category": "network",
    "source": "servicenow",
    "requester_location": {"lat": 40.7128, "lng": -74.006, "timezone": "America/New_York"},
    "urgency": "1",
    "impact": "2",
    "requester": {"email": "a@b.example", "name": "A B"},
    "external_metadata": {},
    "some_extra": 1,
}


def test_dry_run_decides_and_stores_nothing(team, other_team, manager):
    before = (
        Ticket.objects.count(),
        AllocationDecision.objects.count(),
        TimelineEntry.objects.count(),
        AuditLog.objects.count(),
    )
    response = client_for(manager).post(
        "/api/v1/handlers/allocate", {"ticket": STANDARD, "dry_run": True}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["decision_id"], body["ticket_id"]) == (None, "INC0001")
    assert body["allocation"]["group_id"] == str(team.pk)
    assert [c["group_id"] for c in body["candidates"]] == [str(team.pk)]
    after = (
        Ticket.objects.count(),
        AllocationDecision.objects.count(),
        TimelineEntry.objects.count(),
        AuditLog.objects.count(),
    )
    assert before == after


@pytest.mark.parametrize("path", ["/api/v1/handlers/allocate", "/api/v1/handlers/allocate/"])
def test_dry_run_without_any_active_group_answers_allocation_null(manager, path):
    body = client_for(manager).post(path, {"ticket": STANDARD, "dry_run": True}, format="json")
    assert body.json()["allocation"] is None
    assert "No eligible team" in body.json()["rationale"]


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"ticket": STANDARD},  # not a dry run
        {"ticket": {"title": "no id"}, "dry_run": True},
        {"ticket": {**STANDARD, "priority": "urgent"}, "dry_run": True},
        {"ticket_id": "not-a-uuid"},
        {"ticket_id": "00000000-0000-0000-0000-000000000000", "ticket": STANDARD, "dry_run": True},
        {"ticket": "text", "dry_run": True},
    ],
)
def test_allocate_refuses_malformed_input(manager, payload):
    response = client_for(manager).post("/api/v1/handlers/allocate", payload, format="json")
    assert response.status_code == 400
    assert "errors" in response.json()


def test_allocate_unknown_or_closed_ticket(team, manager):
    client = client_for(manager)
    unknown = client.post(
        "/api/v1/handlers/allocate",
        {"ticket_id": "00000000-0000-0000-0000-000000000000"},
        format="json",
    )
    assert unknown.status_code == 404
    owner = factories.AgentFactory(teams=[team])
    from tickets.guards import owner_write_allowed

    with owner_write_allowed():
        closed = factories.TicketFactory(team=team, status="closed", owner=owner)
    refused = client.post("/api/v1/handlers/allocate", {"ticket_id": str(closed.pk)}, format="json")
    assert refused.status_code == 409


def test_allocate_permissions_agents_no_integrations_only_their_source(team, agent):
    assert (
        client_for(agent)
        .post("/api/v1/handlers/allocate", {"ticket": STANDARD, "dry_run": True}, format="json")
        .status_code
        == 403
    )
    _, raw = create_api_key(source="servicenow", name="snow")
    key = APIClient()
    key.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    dry = key.post(
        "/api/v1/handlers/allocate", {"ticket": STANDARD, "dry_run": True}, format="json"
    )
    assert dry.status_code == 200, dry.content
    theirs = unrouted_ticket(category="network", source="servicenow", external_id="S-1")
    other = unrouted_ticket(category="network", source="jira", external_id="J-1")
    assert (
        key.post(
            "/api/v1/handlers/allocate", {"ticket_id": str(theirs.pk)}, format="json"
        ).status_code
        == 200
    )
    assert (
        key.post(
            "/api/v1/handlers/allocate", {"ticket_id": str(other.pk)}, format="json"
        ).status_code
        == 404
    )
    assert key.get("/api/v1/routing/groups/").status_code == 403
