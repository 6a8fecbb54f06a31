"""The embedded default's background delivery (core.deliverer): the caller's commit returns
before the subscribers run; they run in the deliverer's thread on its own connection; what was
left undelivered (a process died after its commit) is picked up when a deliverer starts."""

import threading

import pytest
from django.db import transaction

from core import subscriptions
from core.deliverer import Deliverer
from core.events import publish
from core.models import OutboxEvent
from core.subscriptions import subscribe

# The deliverer's thread has a connection of its own: it sees committed rows only.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def gate(monkeypatch):
    """A subscriber of ``test.ping`` that waits at a gate before it records what it heard, so
    a test can see the publisher's call return while delivery has not happened yet."""
    monkeypatch.setattr(subscriptions, "_subscribers", {})

    class Gate:
        open = threading.Event()
        heard: list = []
        threads: set = set()

    @subscribe("test.ping", name="test.gated")
    def gated(event):
        assert Gate.open.wait(10), "the test never opened the gate"
        Gate.heard.append(event.data["n"])
        Gate.threads.add(threading.current_thread().name)

    return Gate


@pytest.fixture
def deliverer(monkeypatch):
    from core import tasks

    running = Deliverer()
    monkeypatch.setattr(tasks, "deliverer", running)
    yield running
    running.stop()


def ping(n: int, stream: str = "ticket:1") -> None:
    with transaction.atomic():
        publish("test.ping", stream=stream, data={"n": n})


def wait_delivered(deliverer: Deliverer) -> None:
    assert deliverer.idle.wait(10), "the deliverer did not finish in 10 s"


def test_the_commit_returns_before_delivery_and_the_thread_delivers_in_order(gate, deliverer):
    deliverer.start()
    wait_delivered(deliverer)  # its first sweep found nothing
    with transaction.atomic():  # one commit (SQLite would queue a second behind the delivery)
        for n in (1, 2, 3):
            publish("test.ping", stream="ticket:1", data={"n": n})
    assert gate.heard == []  # the publisher is back; the subscriber waits at its gate
    assert OutboxEvent.objects.filter(dispatched_at__isnull=True).count() == 3
    gate.open.set()
    wait_delivered(deliverer)
    assert gate.heard == [1, 2, 3]
    assert gate.threads == {"outbox-deliverer"}
    assert not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()


def test_events_left_by_a_process_that_died_are_delivered_once_at_start(gate, deliverer):
    # No deliverer running: a management command delivers right after its commit. Publish with
    # the after-commit hook dropped, as if the process had died between commit and delivery.
    gate.open.set()
    with transaction.atomic():
        publish("test.ping", stream="ticket:7", data={"n": 7})
        publish("test.ping", stream="ticket:8", data={"n": 8})
        transaction.get_connection().run_on_commit.clear()
    assert gate.heard == []

    deliverer.start()
    wait_delivered(deliverer)
    assert sorted(gate.heard) == [7, 8]
    deliverer.submit("ticket:7")  # asked again: nothing is delivered twice
    wait_delivered(deliverer)
    assert sorted(gate.heard) == [7, 8]


def test_a_failing_delivery_leaves_the_event_and_the_thread_goes_on(gate, deliverer, monkeypatch):
    from core import waves

    real_drain_many = waves.drain_many
    failures = iter([RuntimeError("database went away")])

    def flaky(streams, **kwargs):
        streams = list(streams)
        # The start's sweep (nothing due yet) goes through drain_many too; the first real
        # delivery is the one that fails.
        error = next(failures, None) if streams else None
        if error is not None:
            raise error
        return real_drain_many(streams, **kwargs)

    monkeypatch.setattr(waves, "drain_many", flaky)
    gate.open.set()
    deliverer.start()
    wait_delivered(deliverer)
    ping(1)
    wait_delivered(deliverer)
    assert gate.heard == []  # the drain failed; the event waits in the outbox
    ping(2)  # the next drain of the stream takes both, in order
    wait_delivered(deliverer)
    assert gate.heard == [1, 2]
    assert deliverer.running


def test_under_a_burst_streams_gather_into_one_batch(gate, deliverer, monkeypatch):
    from core import waves

    batches = []
    real_drain_many = waves.drain_many

    def recording(streams):
        batches.append(sorted(streams))
        return real_drain_many(streams)

    monkeypatch.setattr(waves, "drain_many", recording)
    gate.open.set()
    deliverer.start()
    wait_delivered(deliverer)  # its start-up sweep; a delivery has just ended: busy
    ping(1, stream="ticket:1")
    ping(2, stream="ticket:2")  # while the first waits for company
    ping(3, stream="ticket:3")
    wait_delivered(deliverer)
    assert batches[-1] == ["ticket:1", "ticket:2", "ticket:3"]
    assert sorted(gate.heard) == [1, 2, 3]


def test_a_stream_after_a_quiet_spell_is_delivered_at_once():
    from core.deliverer import GATHER_SECONDS, gather_pause

    assert gather_pause(since_last_delivery=GATHER_SECONDS * 4) == 0.0
    assert gather_pause(since_last_delivery=GATHER_SECONDS / 10) == GATHER_SECONDS
