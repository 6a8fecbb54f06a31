"""Triage profiles in the admin (through the actions, audited, with their history) and the
two evaluation commands."""

import json
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog, ConfigChange
from routing.models import AllocationDecision, CategoryProfile, TriageVector
from routing.semantic import cross_validation as cv
from routing.semantic import service, stacking
from tests import factories
from tests.org.test_admin_people import _team_form
from tickets.guards import owner_write_allowed

DATA = Path(__file__).resolve().parents[1] / "data"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def semantic(settings):
    settings.TRIAGE_PROVIDER = "hashing"
    cache.clear()
    service.forget()


def test_the_team_page_edits_the_profile_and_the_save_embeds_it(client, admin_user, team):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:org_team_change", args=[team.pk]),
        _team_form(
            team,
            description="Wifi, VPN and the office network.",
            example_tickets="VPN drops at home\n\n  no wifi in room 3  \n",
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    team.refresh_from_db()
    assert team.description == "Wifi, VPN and the office network."
    assert team.example_tickets == ["VPN drops at home", "no wifi in room 3"]
    assert TriageVector.objects.filter(kind="team", team=team, provider="hashing").exists()
    change = ConfigChange.objects.filter(object_type="org.team", object_id=str(team.pk)).last()
    assert change.after["example_tickets"] == ["VPN drops at home", "no wifi in room 3"]
    page = client.get(reverse("admin:org_team_change", args=[team.pk])).content.decode()
    assert "VPN drops at home\nno wifi in room 3" in page
    assert "is also read as a topic of its own" in page  # how to write one, said where it is


def test_an_example_too_long_is_refused_with_a_field_message(client, admin_user, team):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:org_team_change", args=[team.pk]),
        _team_form(team, example_tickets="fine\n" + "x" * 301),
    )
    errors = response.context["adminform"].form.errors
    assert "Line(s) 2 are longer than 300 characters." in errors["example_tickets"][0]
    team.refresh_from_db()
    assert team.example_tickets == []


def test_category_profiles_are_saved_through_the_action(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:routing_categoryprofile_add"),
        {"category": "Printer", "description": "Printers and toner", "examples": "jam\ntoner"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    profile = CategoryProfile.objects.get()
    assert (profile.category, profile.examples) == ("printer", ["jam", "toner"])
    assert AuditLog.objects.filter(action="routing.category_profile_created").exists()
    assert TriageVector.objects.filter(kind="category", category="printer").exists()
    assert ConfigChange.objects.filter(object_type="routing.categoryprofile").exists()


@pytest.mark.parametrize("count", [2, 12])
def test_the_profile_lists_run_constant_queries(
    client, admin_user, count, django_assert_max_num_queries
):
    for index in range(count):
        CategoryProfile.objects.create(category=f"c{index}", description="d")
        factories.TeamFactory(slug=f"t{index}")
    call_command("triage_embed", stdout=StringIO())
    client.force_login(admin_user)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("admin:routing_categoryprofile_changelist")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("admin:routing_triagevector_changelist")).status_code == 200


def test_the_evaluation_command_prints_the_four_methods_before_and_after_history():
    out = StringIO()
    call_command("eval_semantic_triage", "--provider", "hashing", stdout=out)
    text = out.getvalue()
    assert "330 tickets, 12 teams" in text
    for heading in ("before history, all tickets", "after history, evaluated half"):
        assert heading in text
    for method in ("keywords", "classifier", "semantic", "blend"):
        assert f"confusion, after history, evaluated half: {method}" in text
    assert "triage per ticket" in text
    assert "held-out set" not in text


def write_heldout(path, tickets: list[tuple[str, str, str]]) -> str:
    rows = [
        {"id": n, "source": "email", "team": team, "category": team, "title": title,
         "description": description}
        for n, (team, title, description) in enumerate(tickets, start=1)
    ]  # fmt: skip
    path.write_text(json.dumps({"tickets": rows}), encoding="utf-8")
    return str(path)


def test_the_evaluation_command_evaluates_a_heldout_set_before_and_after_the_whole_set(tmp_path):
    heldout = write_heldout(
        tmp_path / "heldout.json",
        [
            ("printing", "Toner empty on floor 2", "The printer says toner empty"),
            ("network", "wifi drops", "Wireless keeps dropping in the meeting room"),
            ("security", "phishing mail", "Suspicious e-mail asking for my password"),
        ],
    )
    out = StringIO()
    call_command(
        "eval_semantic_triage", "--provider", "hashing", "--no-matrices", "--heldout", heldout,
        stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert "held-out set: 3 tickets, sources email" in text
    before = text.split("held-out set, before history\n")[1].split("\n\n")[0]
    after = text.split("held-out set, after the whole labelled set as history\n")[1]
    assert "classifier       n/a" in before  # no history: no classifier
    after_rows = dict(line.split(None, 1) for line in after.split("\n\n")[0].splitlines()[1:])
    assert set(after_rows) == {"keywords", "classifier", "embedding", "semantic", "blend"}
    assert "n/a" not in after_rows["classifier"]  # trained on the whole labelled set
    assert "by source, held-out set, before history" in text


def test_the_evaluation_command_reads_the_bundled_heldout_set_by_default():
    out = StringIO()
    call_command(
        "eval_semantic_triage", "--provider", "hashing", "--no-matrices", "--heldout", stdout=out
    )
    assert "held-out set: 132 tickets, sources email, generic, glpi, jira, servicenow, solman" in (
        out.getvalue()
    )


def test_a_heldout_set_naming_an_unknown_team_is_a_clear_error(tmp_path):
    heldout = write_heldout(tmp_path / "bad.json", [("plumbing", "Leak", "Water everywhere")])
    with pytest.raises(CommandError, match="plumbing"):
        call_command("eval_semantic_triage", "--provider", "hashing", "--heldout", heldout)


def test_triage_accuracy_reports_the_weeks_resolved_tickets(team, other_team):
    agent = factories.AgentFactory(teams=[team])
    now = timezone.now()
    for right in (True, True, False):
        with owner_write_allowed():
            ticket = factories.TicketFactory(
                team=team, status="resolved", owner=agent, resolved_at=now - timedelta(days=1)
            )
        guess = team if right else other_team
        AllocationDecision.objects.create(
            ticket=ticket, event="ticket.created", method="scoring", team=guess,
            rationale="r", triage={"teams": [{"team_id": str(guess.pk)}, {"team_id": "x"}]},
        )  # fmt: skip
    out = StringIO()
    call_command("triage_accuracy", stdout=out)
    row = out.getvalue().splitlines()[1].split()
    assert row[1:5] == ["3", "66.7%", "66.7%", "66.7%"]


def test_the_evaluation_command_prints_the_cross_validation_and_both_fits(tmp_path, monkeypatch):
    # ten tickets a team of the bundled set: enough for the folds, quicker with hashing; the
    # history fit averaged over 3 cross-fits, not 40, and one seed of folds, not five (the
    # counts only steady the means)
    monkeypatch.setattr(stacking, "REPEATS", 3)
    monkeypatch.setattr(cv, "SEEDS", 1)
    rows = json.loads((DATA / "triage_tickets.json").read_text(encoding="utf-8"))["tickets"]
    kept, seen = [], {}
    for row in rows:
        seen[row["team"]] = seen.get(row["team"], 0) + 1
        if seen[row["team"]] <= 10:
            kept.append(row)
    tickets = tmp_path / "tickets.json"
    tickets.write_text(json.dumps({"tickets": kept}), encoding="utf-8")
    out = StringIO()
    call_command(
        "eval_semantic_triage", "--provider", "hashing", "--no-matrices", "--cv",
        "--tickets", str(tickets), stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert "cross-validation inside the history half (two folds x 1 seeds)" in text
    assert "no topics (until 2026-12-05)" in text
    assert "history's weights fitted on the history half (stacking): classifier_log" in text
    fitted = text.split("in units of the profile's cosine: ")[1].splitlines()[0]
    values = dict(part.split() for part in fitted.split(", "))
    assert set(values) == {"topic", "lexical", "lexical_topic", "keyword", "temperature"}
    assert float(values["temperature"]) > 0
