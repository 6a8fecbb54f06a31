from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from routing.models import RoutingRule, ScoringWeights
from tests.factories import AgentFactory, TeamFactory
from tests.routing.factories import unrouted_ticket

pytestmark = pytest.mark.django_db

# Copies of the samples beside the integration contract: the suite needs nothing outside
# the repository.
FIXTURES = Path(__file__).resolve().parent / "data"


def test_import_rules_loads_the_shared_fixture_and_is_repeatable():
    # The fixture's rules name these teams; a rule naming a team that does not exist is refused.
    TeamFactory(slug="senior-support")
    TeamFactory(slug="escalation-managers")
    out = StringIO()
    call_command("import_rules", str(FIXTURES / "routing_rules.yaml"), stdout=out)
    assert "2 new, 0 updated" in out.getvalue()
    call_command("import_rules", str(FIXTURES / "routing_rules.yaml"), stdout=out)
    assert "0 new, 2 updated" in out.getvalue()
    rule = RoutingRule.objects.get(name="escalation_timeout_warning")
    assert rule.event == "escalation.age_exceeded"
    assert rule.conditions == [{"age_hours": 4}, {"status": "pending"}]
    assert rule.actions[0]["to"] == "team:escalation-managers"


def test_an_invalid_file_is_refused_whole_with_line_and_reason(tmp_path):
    good = (FIXTURES / "routing_rules.yaml").read_text()
    bad = tmp_path / "rules.yaml"
    bad.write_text(
        good + "- name: broken\n  trigger:\n    event: ticket.created\n"
        "  action: {type: assign, to: nowhere}\n"
    )
    with pytest.raises(CommandError) as error:
        call_command("import_rules", str(bad))
    action_line = len(good.splitlines()) + 4
    assert f"line {action_line}: rule 'broken': 'to' must be" in str(error.value)
    assert "nothing was imported" in str(error.value)
    assert not RoutingRule.objects.exists()


def test_import_rules_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_rules", str(tmp_path / "nope.yaml"))


def test_import_weights_loads_the_scoring_block(tmp_path):
    out = StringIO()
    call_command("import_weights", str(FIXTURES / "scoring.yaml"), stdout=out)
    assert "1 set(s)" in out.getvalue()
    assert ScoringWeights.objects.get(category="").weights()["proximity_weight"] == 0.10
    bad = tmp_path / "scoring.yaml"
    bad.write_text((FIXTURES / "scoring.yaml").read_text().replace("0.25", "0.95"))
    with pytest.raises(CommandError, match=r"sum to 1\.7000"):
        call_command("import_weights", str(bad))
    assert ScoringWeights.objects.get(category="").availability_weight == 0.25


def test_route_unrouted_routes_what_beat_would(team):
    AgentFactory(teams=[team])
    with time_machine.travel(timezone.now() - timedelta(minutes=5)):
        left = unrouted_ticket(category="network")
    fresh = unrouted_ticket(category="network")
    out = StringIO()
    call_command("route_unrouted", stdout=out)
    assert "Routed 1 ticket(s) left without a team." in out.getvalue()
    left.refresh_from_db()
    assert left.team == team
    call_command("route_unrouted", "--grace-seconds", "0", stdout=out)
    fresh.refresh_from_db()
    assert fresh.team == team
