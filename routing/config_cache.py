"""A per-process memo of routing's configuration: the scoring weights rows, the triage keyword
map and the active rules of every event. Every decision needs all three, and they change only
when an admin edits them, so reading them once instead of three queries per decision is a
large share of a decision's budget (see docs/benchmarks.md, "Routing").

Coherence: a version token lives in Django's cache (Redis when ``REDIS_URL`` is set, so shared
by every web and worker process). Saving or deleting a rule, a weights row or a keyword replaces
the token once the change commits, and a memo loaded under another token is read again. The
local cache of the embedded mode is per process, so there a change reaches other processes
(Celery beat) after at most ``ROUTING_CONFIG_MAX_AGE`` seconds; that bound also covers writes
that bypass the signals (raw SQL, ``QuerySet.update``).
"""

import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from routing.models import RoutingRule, ScoringWeights, TriageKeyword
from routing.snapshots import RuleSnapshot

VERSION_KEY = "routing:config-version"


@dataclass(frozen=True)
class ConfigMemo:
    version: str
    loaded_at: float
    weight_rows: tuple[ScoringWeights, ...]
    keyword_map: dict[str, str]
    rules_by_event: dict[str, tuple[RuleSnapshot, ...]]


_memo: ConfigMemo | None = None


def _max_age() -> float:
    return settings.ROUTING_CONFIG_MAX_AGE


def _current_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        # First reader after a restart or a cache flush: agree on one token (add is atomic).
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY) or ""
    return version


def _load(version: str) -> ConfigMemo:
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
    return ConfigMemo(
        version=version,
        loaded_at=time.monotonic(),
        weight_rows=tuple(ScoringWeights.objects.all()),
        keyword_map=dict(TriageKeyword.objects.values_list("keyword", "category")),
        rules_by_event={event: tuple(snapshots) for event, snapshots in rules.items()},
    )


def _changed_in_this_transaction() -> bool:
    """True when this connection's open transaction changed the configuration: it must read
    its own writes, and they must not be memoised before they commit (they may roll back)."""
    pending = transaction.get_connection().run_on_commit
    return any(callback is _publish for _, callback, *_ in pending)


def current() -> ConfigMemo:
    """The configuration, read from the database only when it changed or aged out. The token
    is read before the rows, so a change that commits meanwhile makes the next call reload."""
    global _memo
    if _changed_in_this_transaction():
        return _load("")
    version = _current_version()
    memo = _memo
    fresh = memo is not None and time.monotonic() - memo.loaded_at < _max_age()
    if fresh and memo.version == version:
        return memo
    memo = _load(version)
    _memo = memo
    return memo


def _publish() -> None:
    global _memo
    _memo = None
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def invalidate() -> None:
    """The configuration changed: every process reloads once the change commits; until then
    this transaction reads its own writes (see _changed_in_this_transaction)."""
    transaction.on_commit(_publish)


def config_changed(sender, **kwargs) -> None:
    """Receiver for saves and deletes of rules, weights and keywords."""
    invalidate()
