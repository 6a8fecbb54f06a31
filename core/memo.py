"""Per-process memos of configuration that every request reads and only admins change
(routing rules and weights, SLA policies and calendars, handler endpoints): read once instead
of on every ticket.

Coherence: each memo has a version token in Django's cache (Redis when ``REDIS_URL`` is set,
so shared by every web and worker process). Saving or deleting a watched model replaces the
token once the change commits, and a memo loaded under another token is read again. Until it
commits, the changing transaction reads its own writes without memoising them (they may roll
back). The local cache of the embedded mode is per process, so there a change reaches other
processes (Celery beat) after at most ``CONFIG_MEMO_MAX_AGE`` seconds, the bound that also
covers writes no signal sees (raw SQL, ``QuerySet.update``, ``bulk_create``).
"""

import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

T = TypeVar("T")


@dataclass(frozen=True)
class Loaded(Generic[T]):
    version: str
    loaded_at: float
    value: T


class VersionedMemo(Generic[T]):
    def __init__(self, name: str, load: Callable[[], T]) -> None:
        self.name = name
        self.version_key = f"memo:{name}:version"
        self._load = load
        self._loaded: Loaded[T] | None = None

    def get(self) -> T:
        """The value, read from the database only when it changed or aged out. The token is
        read before the rows, so a change committing meanwhile makes the next call reload."""
        return self.loaded().value

    def loaded(self) -> Loaded[T]:
        if self._changed_in_this_transaction():
            return Loaded("", time.monotonic(), self._load())
        version = self._current_version()
        loaded = self._loaded
        fresh = loaded is not None and time.monotonic() - loaded.loaded_at < _max_age()
        if fresh and loaded.version == version:
            return loaded
        loaded = Loaded(version, time.monotonic(), self._load())
        self._loaded = loaded
        return loaded

    def invalidate(self) -> None:
        """A watched row changed: every process reloads once the change commits."""
        transaction.on_commit(self._publish)

    def changed(self, sender, **kwargs) -> None:
        """Receiver for saves and deletes of the watched models."""
        self.invalidate()

    def watch(self, model_labels: Iterable[str]) -> None:
        """Connect the receivers (call from an AppConfig.ready)."""
        for label in model_labels:
            for signal in (post_save, post_delete):
                signal.connect(
                    self.changed,
                    sender=label,
                    weak=False,
                    dispatch_uid=f"memo.{self.name}.{label}.{id(signal)}",
                )

    def watch_m2m(self, through) -> None:
        m2m_changed.connect(
            self.changed, sender=through, weak=False, dispatch_uid=f"memo.{self.name}.m2m"
        )

    def _current_version(self) -> str:
        version = cache.get(self.version_key)
        if version is None:
            # First reader after a restart or a flush: agree on one token (add is atomic).
            cache.add(self.version_key, uuid.uuid4().hex, timeout=None)
            version = cache.get(self.version_key) or ""
        return version

    def _publish(self) -> None:
        self._loaded = None
        cache.set(self.version_key, uuid.uuid4().hex, timeout=None)

    def _changed_in_this_transaction(self) -> bool:
        pending = transaction.get_connection().run_on_commit
        return any(callback == self._publish for _, callback, *_ in pending)


def _max_age() -> float:
    return settings.CONFIG_MEMO_MAX_AGE
