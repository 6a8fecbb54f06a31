"""Who listens to which domain event. Subscribers register in their app's ``subscribers.py``
(imported by its AppConfig.ready)::

    @subscribe(TICKET_CREATED, TICKET_UPDATED, name="routing.route")
    def route(event: Event) -> None: ...

The subscribers of one event run in the order they registered, which is the order of
INSTALLED_APPS. Each must be idempotent where it acts outside the database (an event can
reach it again after a failure); its database writes commit together with the delivery.

A subscriber registered with ``batch=True`` takes a list of events instead of one: a drain of
many streams at once (core.waves.drain_many) hands it every event of a wave it listens to,
one per stream, so it can read and write for all of them in a few statements. A drain of one
stream hands it a list of one.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Event:
    id: int
    name: str
    stream: str
    data: dict
    occurred_at: datetime


@dataclass(frozen=True)
class Subscriber:
    name: str
    handle_many: Callable[[list[Event]], None]
    position: int  # registration order: the order subscribers of one event run in

    def handle(self, event: Event) -> None:
        self.handle_many([event])


_subscribers: dict[str, list[Subscriber]] = {}
_positions: dict[str, int] = {}


def _one_by_one(handler: Callable[[Event], None]) -> Callable[[list[Event]], None]:
    def handle_many(events: list[Event]) -> None:
        for event in events:
            handler(event)

    return handle_many


def subscribe(*event_names: str, name: str, batch: bool = False):
    """Register the decorated function for these events, under a name unique in the project
    (it keys the subscriber's receipts). With ``batch`` it takes ``list[Event]``."""

    def register(handler):
        position = _positions.setdefault(name, len(_positions))
        subscriber = Subscriber(name, handler if batch else _one_by_one(handler), position)
        for event_name in event_names:
            registered = _subscribers.setdefault(event_name, [])
            if all(existing.name != name for existing in registered):
                registered.append(subscriber)
        return handler

    return register


def subscribers_of(event_name: str) -> tuple[Subscriber, ...]:
    return tuple(_subscribers.get(event_name, ()))
