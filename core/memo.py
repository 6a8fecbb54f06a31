"""Per-process memos of configuration that every request reads and only admins change
(routing rules and weights, SLA policies and calendars, handler endpoints): read once instead
of on every ticket.

Coherence: each memo has a version token that every process can read. Saving or deleting a
watched model replaces the token once the change commits, and a memo loaded under another
token is read again. Until it commits, the changing transaction reads its own writes without
memoising them (they may roll back). Where the processes share a cache (Redis), the token
lives there and is read on every use (once for a whole batch of deliveries: core.shared_reads):
a change is seen by the next request or batch. Where they do not (the
embedded default's cache is per process), the token lives in the database (core.ConfigVersion)
and each process reads it at most every ``CONFIG_MEMO_CHECK_SECONDS`` (1 s): a change made by
any process, ``import_rules`` on the command line included, is used by every server and beat
within that time. ``CONFIG_MEMO_MAX_AGE`` bounds what no signal sees (raw SQL,
``QuerySet.update``, ``bulk_create``).
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
from django.utils import timezone

from core import shared_reads
from core.models import ConfigVersion

T = TypeVar("T")


@dataclass(frozen=True)
class Loaded(Generic[T]):
    version: str
    loaded_at: float
    value: T


# Backends whose entries each process keeps for itself: no use for a shared token. The
# embedded default's files are shared, but by the processes of one settings file only (the
# test suite keeps memory of its own), and the database row is what every process reaches.
_PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
)
_memos: list["VersionedMemo"] = []
_clock = time.monotonic  # module attribute: the tests move it forward


class VersionedMemo(Generic[T]):
    def __init__(self, name: str, load: Callable[[], T]) -> None:
        self.name = name
        self.version_key = f"memo:{name}:version"
        self._load = load
        self._loaded: Loaded[T] | None = None
        self._checked: tuple[float, str] | None = None  # when the database token was read
        _memos.append(self)

    def get(self) -> T:
        """The value, read from the database only when it changed or aged out. The token is
        read before the rows, so a change committing meanwhile makes the next call reload."""
        return self.loaded().value

    def loaded(self) -> Loaded[T]:
        if self._changed_in_this_transaction():
            return Loaded("", _clock(), self._load())
        version = self._current_version()
        loaded = self._loaded
        fresh = loaded is not None and _clock() - loaded.loaded_at < _max_age()
        if fresh and loaded.version == version:
            return loaded
        loaded = Loaded(version, _clock(), self._load())
        self._loaded = loaded
        return loaded

    def forget(self) -> None:
        """Drop what this process holds: the next use reads token and rows again."""
        self._loaded = None
        self._checked = None

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
        if not _tokens_in_database():
            version = shared_reads.get(self.version_key)  # once a batch (core.shared_reads)
            if version is None:
                # First reader after a restart or a flush: agree on one token (add is atomic).
                cache.add(self.version_key, uuid.uuid4().hex, timeout=None)
                version = cache.get(self.version_key) or ""
                shared_reads.remember(self.version_key, version)
            return version
        checked = self._checked
        if checked is not None and _clock() - checked[0] < _check_interval():
            return checked[1]
        version = read_database_token(self.version_key)
        self._checked = (_clock(), version)
        return version

    def _publish(self) -> None:
        self._loaded = None
        self._checked = None
        replace_token(self.version_key)

    def _changed_in_this_transaction(self) -> bool:
        pending = transaction.get_connection().run_on_commit
        return any(callback == self._publish for _, callback, *_ in pending)


def replace_token(key: str) -> None:
    """A new version for every process: the next use anywhere reloads."""
    token = uuid.uuid4().hex
    if not _tokens_in_database():
        cache.set(key, token, timeout=None)
        shared_reads.remember(key, token)
        return
    row = ConfigVersion(key=key, token=token, changed_at=timezone.now())
    # One statement whether or not the row exists yet (INSERT ... ON CONFLICT DO UPDATE).
    ConfigVersion.objects.bulk_create(
        [row], update_conflicts=True, unique_fields=["key"], update_fields=["token", "changed_at"]
    )


def read_database_token(key: str) -> str:
    # No row yet means no change since the database was made: every process agrees on that.
    row = ConfigVersion.objects.filter(key=key).values_list("token", flat=True).first()
    return row or "initial"


def _shared_version_keys() -> list[str]:
    return [] if _tokens_in_database() else [memo.version_key for memo in _memos]


shared_reads.prefetch(_shared_version_keys)


def forget_all() -> None:
    """Every memo of this process starts over (a test's database is not the previous one's)."""
    for memo in _memos:
        memo.forget()


def _tokens_in_database() -> bool:
    return settings.CACHES["default"]["BACKEND"] in _PER_PROCESS_CACHES


def _check_interval() -> float:
    return settings.CONFIG_MEMO_CHECK_SECONDS


def _max_age() -> float:
    return settings.CONFIG_MEMO_MAX_AGE
