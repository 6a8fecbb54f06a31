"""The per-process memo of routing's configuration (core.memo): no queries while nothing
changed, changes seen once they commit (also from another process, through the shared version
token), a transaction reads its own uncommitted changes without memoising them, and a
rolled-back change is never seen."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core import memo
from routing import config_cache, selectors
from routing.models import RoutingRule, TriageKeyword
from tests.routing.factories import RoutingRuleFactory, default_weights


def _rule_names(event: str = "ticket.created") -> list[str]:
    return [rule.name for rule in selectors.rule_snapshots(event)]


def test_warm_reads_run_no_query(db):
    # bulk_create sends no signal: this test's transaction has no pending change to read.
    RoutingRule.objects.bulk_create([RoutingRuleFactory.build(name="vip first")])
    config_cache.current()
    with CaptureQueriesContext(connection) as queries:
        weights = selectors.weight_rows()
        keywords = selectors.keyword_map()
        rules = selectors.rule_snapshots("ticket.created")
    assert len(queries) == 0
    assert [row.category for row in weights] == [""]
    assert keywords  # the migration's default keyword map
    assert [rule.name for rule in rules] == ["vip first"]


def test_a_cold_read_is_three_queries_and_the_version(db):
    config_cache.memo.forget()
    cache.delete(config_cache.VERSION_KEY)
    with CaptureQueriesContext(connection) as queries:
        config_cache.current()
    # Without a shared cache the version is a row of the database: one more query.
    assert len(queries) == (4 if memo._tokens_in_database() else 3)


def test_rules_are_grouped_by_event_in_order_and_only_active(db):
    RoutingRuleFactory(name="b", order=20)
    RoutingRuleFactory(name="a", order=20)
    RoutingRuleFactory(name="first", order=5)
    RoutingRuleFactory(name="off", order=1, active=False)
    RoutingRuleFactory(name="breach", event="sla.breached")
    assert _rule_names() == ["first", "a", "b"]
    assert _rule_names("sla.breached") == ["breach"]
    assert _rule_names("sla.warning") == []


def test_chosen_rules_bypass_the_memo_and_include_inactive_ones(db):
    off = RoutingRuleFactory(name="off", active=False)
    config_cache.current()
    assert [rule.name for rule in selectors.rule_snapshots("ticket.created", [off.pk])] == ["off"]


def test_a_transaction_reads_its_own_changes(db):
    config_cache.current()
    RoutingRuleFactory(name="new rule")
    TriageKeyword.objects.create(keyword="printer-jam", category="hardware")
    assert _rule_names() == ["new rule"]
    assert selectors.keyword_map()["printer-jam"] == "hardware"


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_replaces_the_version():
    before = config_cache.memo.loaded()
    default_weights(affinity_window_hours=5)  # autocommit: committed at once
    after = config_cache.memo.loaded()
    assert before.version and after.version and after.version != before.version
    assert selectors.affinity_window_hours(after.value.weight_rows) == 5
    with CaptureQueriesContext(connection) as queries:
        assert config_cache.memo.loaded() is after
    assert len(queries) == 0


@pytest.mark.django_db(transaction=True)
def test_deleting_a_rule_is_seen():
    rule = RoutingRuleFactory(name="gone soon")
    assert _rule_names() == ["gone soon"]
    rule.delete()
    assert _rule_names() == []


def test_another_process_change_is_seen_through_the_shared_token(db, settings):
    """Another process committed a change: its new token is all this process hears of it."""
    settings.CONFIG_MEMO_CHECK_SECONDS = 1.0
    config_cache.current()
    # bulk_create sends no post_save: as far as this process knows, nothing changed.
    RoutingRule.objects.bulk_create([RoutingRuleFactory.build(name="from elsewhere")])
    assert _rule_names() == []
    memo.replace_token(config_cache.VERSION_KEY)  # what the other process's commit did
    with later(seconds=1.0):
        assert _rule_names() == ["from elsewhere"]


def later(seconds: float):
    """This process's memo clock, moved forward (the version check happens by that clock)."""
    now = memo._clock()
    return mock.patch.object(memo, "_clock", lambda: now + seconds)


def test_the_memo_ages_out(db, settings):
    config_cache.current()
    TriageKeyword.objects.bulk_create([TriageKeyword(keyword="raw-word", category="network")])
    assert "raw-word" not in selectors.keyword_map()
    settings.CONFIG_MEMO_MAX_AGE = 0
    assert selectors.keyword_map()["raw-word"] == "network"


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_is_never_seen():
    config_cache.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        RoutingRuleFactory(name="rolled back")
        assert _rule_names() == ["rolled back"]  # its own write, not memoised
        raise RuntimeError("the admin's save failed")
    assert _rule_names() == []
    assert RoutingRule.objects.count() == 0
