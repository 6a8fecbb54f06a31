"""Who listens to which domain event. Subscribers register in their app's ``subscribers.py``
(imported by its AppConfig.ready)::

    @subscribe(TICKET_CREATED, TICKET_UPDATED, name="routing.route")
    def route(event: Event) -> None: ...

The subscribers of one event run in the order they registered, which is the order of
INSTALLED_APPS. Each must be idempotent where it acts outside the database (an event can
reach it again after a failure); its database writes commit together with the delivery.
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
    handle: Callable[[Event], None]


_subscribers: dict[str, list[Subscriber]] = {}


def subscribe(*event_names: str, name: str):
    """Register the decorated function for these events, under a name unique in the project
    (it keys the subscriber's receipts)."""

    def register(handler: Callable[[Event], None]):
        subscriber = Subscriber(name, handler)
        for event_name in event_names:
            registered = _subscribers.setdefault(event_name, [])
            if all(existing.name != name for existing in registered):
                registered.append(subscriber)
        return handler

    return register


def subscribers_of(event_name: str) -> tuple[Subscriber, ...]:
    return tuple(_subscribers.get(event_name, ()))
