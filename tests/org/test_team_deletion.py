"""A team is deleted only while nothing uses it (org.actions.teams.delete_teams): one that
tickets, routing decisions, triage lessons, rules or the triage queue use is set inactive
instead, and the admin's delete page and delete action say what uses it. A slug that rules
name is not renamed away under them, through the admin or the API."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from core.exceptions import DomainValidationError
from core.models import AuditLog, ConfigChange
from org.actions.teams import delete_teams
from org.models import Team
from org.selectors import team_uses
from routing.models import AllocationDecision, RoutingRule, TriageSettings
from tests import factories
from tests.org.test_admin_people import _team_form

pytestmark = pytest.mark.django_db
# The delete page of a team in use: what uses it (5), the team, the session and the user,
# and no read of the rows that would go with it.
PAGE_QUERIES = 9


def _rule(name: str, slug: str) -> RoutingRule:
    return RoutingRule.objects.create(
        name=name,
        conditions=[{"priority": "critical"}, {"team": {"in": [slug.upper(), "other"]}}],
        actions=[{"type": "assign", "to": f"team:{slug}"}],
    )


def _decision(team: Team) -> AllocationDecision:
    ticket = factories.TicketFactory(team=None)
    return AllocationDecision.objects.create(
        ticket=ticket, event="ticket.created", method="scoring", team=team,
        team_name=team.name, scores={}, rationale="", confidence=0.8,
    )  # fmt: skip


def test_a_team_nothing_uses_is_deleted_with_an_audit_row(client, admin_user, team):
    client.force_login(admin_user)
    url = reverse("admin:org_team_delete", args=[team.pk])
    assert "Are you sure" in client.get(url).content.decode()

    response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Team.objects.filter(pk=team.pk).exists()
    audit = AuditLog.objects.get(action="org.team_deleted")
    assert audit.data == {"team": str(team.pk), "slug": "network"}


def test_a_team_in_use_is_not_deleted_and_the_page_says_what_uses_it(client, admin_user, team):
    tickets = factories.TicketFactory.create_batch(2, team=team)
    _rule("VPN to network", "network")
    _decision(team)
    TriageSettings.objects.create(queue_team=team)
    client.force_login(admin_user)
    url = reverse("admin:org_team_delete", args=[team.pk])

    for response in (client.get(url), client.post(url, {"post": "yes"})):
        page = response.content.decode()
        assert response.status_code == 200
        assert "is in use and cannot be deleted" in page
        assert (
            f"{team.name}: 2 tickets, 1 routing decision, rule &#x27;VPN to network&#x27;, "
            "the triage queue" in page
        )
        assert "Set its status to <strong>inactive</strong> instead" in page
    assert Team.objects.filter(pk=team.pk).exists()
    assert {t.team_id for t in factories.Ticket.objects.filter(pk__in=[t.pk for t in tickets])} == {
        team.pk
    }
    assert not AuditLog.objects.filter(action="org.team_deleted").exists()


def test_delete_selected_deletes_nothing_when_one_team_is_in_use(
    client, admin_user, team, other_team
):
    factories.TicketFactory(team=other_team)
    client.force_login(admin_user)
    form = {"action": "delete_selected", "_selected_action": [team.pk, other_team.pk]}

    for extra in ({}, {"post": "yes"}):
        response = client.post(reverse("admin:org_team_changelist"), form | extra)
        page = response.content.decode()
        assert response.status_code == 200
        assert "Some of the selected teams are in use" in page
        assert f"{other_team.name}: 1 ticket" in page
        assert f"{team.name}:" not in page.split("in use and cannot be deleted")[1]
    assert Team.objects.count() == 2


def test_the_action_refuses_a_team_that_came_into_use_and_deletes_none(team, other_team):
    admin = factories.AdminUserFactory()
    factories.TicketFactory(team=team)  # after the confirmation page was shown

    with pytest.raises(DomainValidationError) as refused:
        delete_teams(actor=admin, teams=[other_team, team])

    assert refused.value.errors == {
        "team": [f"In use, set inactive instead: {team.name}: 1 ticket."]
    }
    assert Team.objects.count() == 2
    assert not AuditLog.objects.filter(action="org.team_deleted").exists()


def test_a_refused_delete_after_the_page_is_a_message_not_an_error(
    client, admin_user, team, monkeypatch
):
    """The page read no use (nothing used the team yet); a ticket arrived before the click."""
    from org.admin import teams as team_admin

    monkeypatch.setattr(team_admin, "team_uses", lambda teams: {})
    factories.TicketFactory(team=team)
    client.force_login(admin_user)

    response = client.post(reverse("admin:org_team_delete", args=[team.pk]), {"post": "yes"})

    assert response.status_code == 302
    message = str(next(iter(response.wsgi_request._messages)))
    assert message == f"Nothing was deleted: In use, set inactive instead: {team.name}: 1 ticket."
    assert Team.objects.filter(pk=team.pk).exists()
    assert not ConfigChange.objects.exists() and not LogEntry.objects.exists()


def test_a_refused_delete_selected_keeps_no_history_of_it(
    client, admin_user, team, other_team, monkeypatch
):
    from org.admin import teams as team_admin

    monkeypatch.setattr(team_admin, "team_uses", lambda teams: {})  # as for the page above
    factories.TicketFactory(team=other_team)
    client.force_login(admin_user)
    form = {"action": "delete_selected", "_selected_action": [team.pk, other_team.pk]}

    response = client.post(reverse("admin:org_team_changelist"), form | {"post": "yes"})

    assert response.status_code == 302
    message = str(next(iter(response.wsgi_request._messages)))
    assert message.startswith("Nothing was changed: In use, set inactive instead: ")
    assert Team.objects.count() == 2
    assert not ConfigChange.objects.exists() and not LogEntry.objects.exists()


def test_what_uses_teams_is_read_in_the_same_queries_for_two_teams_or_twelve(
    django_assert_max_num_queries,
):
    teams = factories.TeamFactory.create_batch(12)
    for team in teams:
        factories.TicketFactory(team=team)
        _rule(f"to {team.slug}", team.slug)
        _decision(team)
    for few in (teams[:2], teams):
        with django_assert_max_num_queries(5):  # tickets, decisions, lessons, rules, queue
            uses = team_uses(few)
        assert len(uses) == len(few)


def test_a_slug_that_rules_name_is_not_renamed_through_the_admin(client, admin_user, team):
    _rule("VPN to network", "network")
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:org_team_change", args=[team.pk]), _team_form(team, slug="net")
    )

    assert response.context["adminform"].form.errors["slug"] == [
        "Rule 'VPN to network' names this team by its slug 'network': change it first, or it "
        "would name no team."
    ]
    team.refresh_from_db()
    assert team.slug == "network"


def test_a_slug_that_rules_name_is_not_renamed_through_the_api(client, admin_user, team):
    _rule("VPN to network", "network")
    _rule("Escalate VPN", "network")
    client.force_login(admin_user)
    url = f"/api/v1/teams/{team.pk}/"

    response = client.patch(url, {"slug": "net"}, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["errors"]["slug"] == [
        "Rule 'Escalate VPN', rule 'VPN to network' name this team by its slug 'network': "
        "change them first, or they would name no team."
    ]
    assert Team.objects.get(pk=team.pk).slug == "network"
    assert not AuditLog.objects.filter(action="org.team_changed").exists()


def test_a_slug_no_rule_names_is_renamed(client, admin_user, team):
    _rule("VPN to apps", "apps")
    client.force_login(admin_user)

    response = client.patch(
        f"/api/v1/teams/{team.pk}/", {"slug": "net"}, content_type="application/json"
    )

    assert response.status_code == 200, response.content
    assert Team.objects.get(pk=team.pk).slug == "net"


@pytest.mark.parametrize("rows", [2, 20])
def test_the_delete_page_of_a_team_in_use_costs_the_same_queries_for_2_rows_or_20(
    client, admin_user, team, rows, django_assert_max_num_queries
):
    factories.TicketFactory.create_batch(rows, team=team)
    for _ in range(rows):
        _decision(team)
    client.force_login(admin_user)
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(reverse("admin:org_team_delete", args=[team.pk]))
    assert f"{team.name}: {rows} tickets, {rows} routing decisions" in response.content.decode()
