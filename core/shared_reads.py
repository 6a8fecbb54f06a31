"""Small values every ticket's delivery reads from the shared cache (configuration version
tokens, the active triage model), read once per batch instead of once per ticket.

With Redis each of these reads is a round trip: a batch of deliveries read two or three per
ticket (2,725 GETs for 1,000 tickets), 0.1-0.3 ms of the worker's CPU a ticket and about what
made the worker dearer per ticket than the embedded deliverer (docs/benchmarks.md, "Version
tokens read once a batch"). Within ``read_once()`` the keys registered with ``prefetch`` come
in one ``get_many`` and any other key is read at its first use; a value this process writes
meanwhile (``remember``) is what it reads back. A change another process makes during the
batch is seen by the next batch: a batch lasts well under a second, and each memo's own
``CONFIG_MEMO_MAX_AGE`` still bounds what no token tells.

Outside ``read_once()`` every read goes to the cache, as before.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.cache import cache

_seen: ContextVar[dict[str, Any] | None] = ContextVar("shared_reads", default=None)
_prefetched: list[Callable[[], Iterable[str]]] = []


def prefetch(keys: Callable[[], Iterable[str]]) -> None:
    """Register keys (a callable: some depend on settings) fetched together when a batch
    starts."""
    _prefetched.append(keys)


@contextmanager
def read_once() -> Iterator[None]:
    """Within (one batch of deliveries), each key is read from the cache at most once. Nested
    uses share the outer one's reads."""
    if _seen.get() is not None:
        yield
        return
    wanted = list(dict.fromkeys(key for keys in _prefetched for key in keys()))
    found = cache.get_many(wanted) if wanted else {}
    token = _seen.set({key: found.get(key) for key in wanted})
    try:
        yield
    finally:
        _seen.reset(token)


def get(key: str) -> Any:
    """The key's value (None when the cache has none), from this batch's reads if in one."""
    seen = _seen.get()
    if seen is None:
        return cache.get(key)
    if key not in seen:
        seen[key] = cache.get(key)
    return seen[key]


def remember(key: str, value: Any) -> None:
    """This process wrote ``value`` (None: deleted) to the cache: its batch reads it back."""
    seen = _seen.get()
    if seen is not None:
        seen[key] = value
