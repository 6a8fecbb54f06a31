"""Routing's configuration, memoised per process (core.memo): the scoring weights rows, the
triage keyword map and the active rules of every event. Every decision needs all three and
only admins change them, so reading them once instead of three queries per decision is a
large share of a decision's budget (docs/benchmarks.md, "Routing")."""

from dataclasses import dataclass

from core.memo import VersionedMemo
from routing.models import RoutingRule, ScoringWeights, TriageKeyword
from routing.snapshots import RuleSnapshot


@dataclass(frozen=True)
class RoutingSettings:
    weight_rows: tuple[ScoringWeights, ...]
    keyword_map: dict[str, str]
    rules_by_event: dict[str, tuple[RuleSnapshot, ...]]


def _load() -> RoutingSettings:
    rules: dict[str, list[RuleSnapshot]] = {}
    rows = (
        RoutingRule.objects.filter(active=True)
        .order_by("order", "name")
        .values_list("pk", "name", "event", "conditions", "actions", "stop")
    )
    for pk, name, event, conditions, actions, stop in rows:
        rules.setdefault(event, []).append(
            RuleSnapshot(pk, name, tuple(conditions), tuple(actions), stop)
        )
    return RoutingSettings(
        weight_rows=tuple(ScoringWeights.objects.all()),
        keyword_map=dict(TriageKeyword.objects.values_list("keyword", "category")),
        rules_by_event={event: tuple(snapshots) for event, snapshots in rules.items()},
    )


memo = VersionedMemo("routing-config", _load)
WATCHED = ("routing.RoutingRule", "routing.ScoringWeights", "routing.TriageKeyword")
VERSION_KEY = memo.version_key


def current() -> RoutingSettings:
    return memo.get()
