"""Events committed and not delivered, for the event bus's tests."""

from django.db import transaction

from core.events import publish


def held(events: list[tuple[str, int]]) -> None:
    """Commit events without delivering them, as after a burst the worker has not reached."""
    with transaction.atomic():
        for stream, n in events:
            publish("test.ping", stream=stream, data={"n": n})
        transaction.get_connection().run_on_commit.clear()


def streams(count: int, offset: int = 0) -> list[str]:
    return [f"ticket:{i}" for i in range(offset, offset + count)]
