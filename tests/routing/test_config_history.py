"""The history of configuration: every change to rules and weights recorded (who, when, before,
after) whatever the door, shown on the object's history page, and any earlier version of the
rule set or the weights restored in one step, through the same actions."""

import pytest
from django.urls import reverse

from core.admin_mixins import ConfigHistoryAdminMixin
from core.exceptions import DomainValidationError
from core.models import AuditLog, AuditLogIsAppendOnly, ConfigChange
from routing.actions import config, history
from routing.admin.rules import export_text
from routing.models import RoutingRule, ScoringWeights, TriageKeyword
from tests.routing.rule_form_data import add_url, change_url, rule_form

pytestmark = pytest.mark.django_db

V1 = """\
- name: a
  trigger: {event: ticket.created, conditions: [{priority: critical}]}
  action: {type: assign, to: 'team:network'}
- name: b
  trigger: {event: ticket.created, conditions: [{title: {contains: sap}}]}
  action: {type: assign, to: 'team:apps'}
"""


@pytest.fixture(autouse=True)
def _teams_the_rules_name(other_team):
    """V1's rules assign to team:apps (``other_team``); a rule naming no team is refused."""


def rule_set() -> str:
    return export_text(RoutingRule.objects.order_by("order", "name"))


def changes(object_type: str = config.RULE_TYPE) -> list[ConfigChange]:
    return list(ConfigChange.objects.filter(object_type=object_type).order_by("id"))


def test_every_door_records_who_when_before_and_after(client, admin_user, team):
    config.import_rules(text=V1)
    config.import_rules(text=V1)  # the same again: nothing changed, nothing recorded
    assert [(c.kind, c.note, c.actor) for c in changes()] == [
        ("created", "import_rules", None),
        ("created", "import_rules", None),
    ]
    rule = RoutingRule.objects.get(name="a")
    client.force_login(admin_user)
    data = rule_form(
        name="a",
        order=10,
        initial=(1, 1),
        conditions=[{"field": "priority", "op": "equals", "choices": "high"}],
        actions=[{"type": "assign", "to": "team:network"}],
    )
    assert client.post(change_url(rule), data).status_code == 302
    changed = changes()[-1]
    assert (changed.kind, changed.actor, changed.object_id) == ("changed", admin_user, str(rule.pk))
    assert changed.before["trigger"]["conditions"] == [{"priority": "critical"}]
    assert changed.after["trigger"]["conditions"] == [{"priority": "high"}]
    page = client.get(reverse("admin:routing_routingrule_history", args=[rule.pk]))
    text = page.content.decode()
    assert "Configuration history" in text and f"#{changed.pk}" in text
    assert "[{&quot;priority&quot;: &quot;critical&quot;}]" in text
    client.post(reverse("admin:routing_routingrule_delete", args=[rule.pk]), {"post": "yes"})
    deleted = changes()[-1]
    assert (deleted.kind, deleted.after, deleted.before["name"]) == ("deleted", None, "a")


def test_the_rule_set_goes_back_to_an_earlier_version_through_the_actions(admin_user, team):
    config.import_rules(text=V1)
    version_one, v1_text = changes()[-1].pk, rule_set()
    a, b = RoutingRule.objects.get(name="a"), RoutingRule.objects.get(name="b")
    document = a.document() | {"name": "b", "order": 1}
    config.delete_rule(actor=admin_user, rule=b)
    config.save_rule(actor=admin_user, document=document, rule=a)  # renamed into b's name
    config.import_rules(text=V1.replace("name: a", "name: c").split("- name: b")[0])
    assert rule_set() != v1_text
    written = history.restore_rules(actor=admin_user, change_id=version_one)
    assert written == 3
    assert rule_set() == v1_text
    restored = ConfigChange.objects.filter(note=f"restored to change #{version_one}")
    assert restored.count() == 3
    assert AuditLog.objects.filter(action="routing.rules_restored", actor=admin_user).exists()


def test_the_versions_page_restores_in_one_step(
    client, admin_user, team, django_assert_max_num_queries
):
    config.import_rules(text=V1)
    first, v1_text = changes()[-1].pk, rule_set()
    for order in range(3):
        rule = RoutingRule.objects.get(name="a")
        config.save_rule(actor=admin_user, document=rule.document() | {"order": order}, rule=rule)
    client.force_login(admin_user)
    url = reverse("admin:routing_routingrule_versions")
    with django_assert_max_num_queries(8):
        page = client.get(url)
    assert page.status_code == 200 and f"Restore to just after #{first}" in page.content.decode()
    response = client.post(url, {"change": first})
    assert response.status_code == 302
    assert rule_set() == v1_text
    assert client.post(url, {"change": 999999}).status_code == 200
    assert rule_set() == v1_text


def test_weights_are_recorded_and_restored(client, admin_user):
    default = ScoringWeights.objects.get(category="")
    values = {**default.weights(), "availability_weight": 0.3, "bandwidth_weight": 0.1}
    config.save_weights(actor=admin_user, category="", values=values, weights=default)
    first = changes(config.WEIGHTS_TYPE)[-1]
    assert first.before["availability_weight"] == 0.25 and first.after["availability_weight"] == 0.3
    vpn = config.save_weights(actor=admin_user, category="VPN", values=default.weights())
    values = {**values, "availability_weight": 0.2, "bandwidth_weight": 0.2}
    config.save_weights(actor=admin_user, category="", values=values, weights=default)
    history.restore_weights(actor=admin_user, change_id=first.pk)
    default.refresh_from_db()
    assert (default.availability_weight, default.bandwidth_weight) == (0.3, 0.1)
    assert not ScoringWeights.objects.filter(pk=vpn.pk).exists()
    client.force_login(admin_user)
    page = client.get(reverse("admin:routing_scoringweights_history", args=[default.pk]))
    assert "Restore an earlier version" in page.content.decode()


def test_an_admin_without_actions_joins_with_the_mixin(client, admin_user):
    from routing.admin.other import TriageKeywordAdmin

    assert issubclass(TriageKeywordAdmin, ConfigHistoryAdminMixin)
    client.force_login(admin_user)
    add = reverse("admin:routing_triagekeyword_add")
    assert client.post(add, {"keyword": "Tunnelz", "category": "network"}).status_code == 302
    keyword = TriageKeyword.objects.get(keyword="tunnelz")
    change = reverse("admin:routing_triagekeyword_change", args=[keyword.pk])
    assert client.post(change, {"keyword": "tunnelz", "category": "remote"}).status_code == 302
    delete = reverse("admin:routing_triagekeyword_delete", args=[keyword.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    rows = changes("routing.triagekeyword")
    assert [(row.kind, row.actor) for row in rows] == [
        ("created", admin_user),
        ("changed", admin_user),
        ("deleted", admin_user),
    ]
    assert rows[1].before == {"keyword": "tunnelz", "category": "network"}
    assert rows[1].after == {"keyword": "tunnelz", "category": "remote"}


def test_the_history_is_append_only(admin_user, team):
    config.import_rules(text=V1)
    row = ConfigChange.objects.first()
    with pytest.raises(AuditLogIsAppendOnly):
        ConfigChange.objects.update(note="x")
    with pytest.raises(AuditLogIsAppendOnly):
        row.delete()
    row.note = "x"
    with pytest.raises(AuditLogIsAppendOnly):
        row.save()


def test_the_add_page_is_recorded_as_created(client, admin_user, team):
    client.force_login(admin_user)
    data = rule_form(name="new", conditions=[], actions=[{"type": "assign", "to": "team:network"}])
    assert client.post(add_url(), data).status_code == 302
    (created,) = changes()
    assert (created.kind, created.before, created.after["name"]) == ("created", None, "new")


def test_rules_that_swap_names_are_refused_whole(admin_user, team):
    config.import_rules(text=V1)
    version_one = changes()[-1].pk
    a, b = RoutingRule.objects.get(name="a"), RoutingRule.objects.get(name="b")
    config.save_rule(actor=admin_user, document=a.document() | {"name": "tmp"}, rule=a)
    config.save_rule(actor=admin_user, document=b.document() | {"name": "a"}, rule=b)
    config.save_rule(actor=admin_user, document=a.document() | {"name": "b"}, rule=a)
    swapped = rule_set()
    with pytest.raises(DomainValidationError, match="swap names"):
        history.restore_rules(actor=admin_user, change_id=version_one)
    assert rule_set() == swapped


@pytest.mark.parametrize("rules", [2, 20])
def test_the_list_of_every_change_costs_the_same_queries(
    client, admin_user, team, rules, django_assert_max_num_queries
):
    text = "".join(V1.split("- name: b")[0].replace("name: a", f"name: r{n}") for n in range(rules))
    config.import_rules(text=text, actor=admin_user)
    client.force_login(admin_user)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("admin:core_configchange_changelist"))
    assert page.status_code == 200 and "r1" in page.content.decode()


def test_the_change_list_s_inline_edits_go_through_the_action(client, admin_user, team):
    config.import_rules(text=V1)
    a, b = RoutingRule.objects.get(name="a"), RoutingRule.objects.get(name="b")
    client.force_login(admin_user)
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "form-0-id": str(a.pk),
        "form-0-order": "99",
        "form-0-active": "on",
        "form-1-id": str(b.pk),
        "form-1-order": str(b.order),
        "_save": "Save",
    }
    response = client.post(reverse("admin:routing_routingrule_changelist"), data)
    assert response.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.order, a.active, b.active) == (99, True, False)
    last = changes()[-2:]
    assert [(c.object_repr, c.actor) for c in last] == [("a", admin_user), ("b", admin_user)]
    assert last[0].after["order"] == 99 and last[1].after["active"] is False
    assert a.conditions == [{"priority": "critical"}]
