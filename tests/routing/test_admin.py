import pytest
from django.urls import reverse

from routing.models import AllocationDecision, ScoringWeights, TriageKeyword
from tests.routing.factories import RoutingRuleFactory, unrouted_ticket

pytestmark = pytest.mark.django_db


def test_try_rules_on_a_ticket_shows_the_outcome_and_changes_nothing(
    client, admin_user, team, other_team
):
    rule = RoutingRuleFactory(name="to-apps", actions=[{"type": "assign", "to": "team:apps"}])
    ticket = unrouted_ticket(category="network")
    client.force_login(admin_user)
    url = reverse("admin:routing_routingrule_changelist")
    form = client.post(url, {"action": "try_on_ticket", "_selected_action": [rule.pk]})
    assert form.status_code == 200
    assert b"Ticket reference" in form.content
    result = client.post(
        url,
        {"action": "try_on_ticket", "_selected_action": [rule.pk], "reference": ticket.reference},
    )
    assert result.status_code == 200
    assert b"Apps" in result.content and b"to-apps" in result.content
    ticket.refresh_from_db()
    assert ticket.team is None
    assert not AllocationDecision.objects.exists()


def test_weights_admin_refuses_a_sum_other_than_one(client, admin_user):
    client.force_login(admin_user)
    row = ScoringWeights.objects.get(category="")
    url = reverse("admin:routing_scoringweights_change", args=[row.pk])
    data = {
        "category": "",
        "availability_weight": 0.9,
        "bandwidth_weight": 0.15,
        "velocity_weight": 0.2,
        "performance_weight": 0.2,
        "proximity_weight": 0.1,
        "cultural_fit_weight": 0.05,
        "timezone_weight": 0.05,
        "load_critical": 3,
        "load_high": 2,
        "load_medium": 1,
        "load_low": 0.5,
        "affinity_window_hours": 72,
        "min_resolved_samples": 10,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert b"must sum to 1" in response.content
    data["availability_weight"] = 0.25
    assert client.post(url, data).status_code == 302
    assert ScoringWeights.objects.get(pk=row.pk).availability_weight == 0.25


@pytest.mark.parametrize(
    "name", ["routingrule", "scoringweights", "triagekeyword", "allocationdecision", "teammetrics"]
)
def test_admin_pages_render(client, admin_user, name):
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:routing_{name}_changelist")).status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_the_keyword_map_s_list_saves_in_the_same_queries_for_3_rows_or_30(
    client, admin_user, rows, django_assert_max_num_queries
):
    keywords = [TriageKeyword.objects.create(keyword=f"k{n:02}", category="x") for n in range(rows)]
    data = {"form-TOTAL_FORMS": str(rows), "form-INITIAL_FORMS": str(rows), "_save": "Save"}
    for n, keyword in enumerate(keywords):
        data |= {f"form-{n}-id": str(keyword.pk), f"form-{n}-category": "x"}
    data["form-1-category"] = "network"
    client.force_login(admin_user)
    with django_assert_max_num_queries(20):  # the rows read once (core.admin_formsets)
        response = client.post(reverse("admin:routing_triagekeyword_changelist"), data)
    assert response.status_code == 302
    assert TriageKeyword.objects.get(keyword="k01").category == "network"
