"""The worker's drain tasks (core.tasks): a task takes what waits along with its own stream,
batch after batch, lets a small batch gather while busy, and holds the drain flag while it is
queued or running so that the commits meanwhile queue no task of their own."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core import tasks, waves
from core.models import OutboxEvent
from tests.core.outbox import held, streams

pytestmark = pytest.mark.django_db


def test_a_worker_task_whose_stream_a_batch_took_along_ends_without_a_transaction(
    heard, django_assert_num_queries
):
    held([(stream, 1) for stream in streams(3)])
    # A worker's task (not called directly) takes the other waiting streams along.
    assert tasks.drain_stream.apply(args=["ticket:0"]).get() == 3

    # A queued task may come to a stream already delivered: three reads (the last after its
    # flag comes down, for what the commits left meanwhile), no transaction and no locks.
    with django_assert_num_queries(3):
        assert tasks.drain_stream.apply(args=["ticket:1"]).get() == 0
    assert sorted(heard.single) == [(stream, 1) for stream in streams(3)]
    held([("ticket:1", 2)])
    assert tasks.drain_stream.apply(args=["ticket:1"]).get() == 1


@pytest.fixture
def bounds(monkeypatch):
    """The gathering's bounds, set here: long beside the real time these tests take (their
    pauses are not slept), so only the bound on the pauses themselves ends a wait."""
    monkeypatch.setattr(tasks, "GATHER_MAX_WAIT", 2.0)
    monkeypatch.setattr(tasks, "GATHER_STEP", 0.5)


def test_a_busy_worker_lets_a_lone_stream_gather_company(heard, monkeypatch, bounds):
    slept = []

    def meanwhile(seconds):  # another ticket is committed while the task waits
        slept.append(seconds)
        held([(f"ticket:{100 + len(slept)}", 1)])

    monkeypatch.setattr(tasks.time, "sleep", meanwhile)
    held([("ticket:1", 1)])
    monkeypatch.setattr(tasks, "_last_drain_ended", float("-inf"))  # after a quiet spell
    assert tasks.drain_stream.apply(args=["ticket:1"]).get() == 1
    assert slept == []  # delivered at once

    held([("ticket:3", 1)])  # right after that drain: busy
    # A trickle that never fills the batch: it waits in steps until the pauses reach the bound
    # (the events here are fresher than that), taking along what came meanwhile.
    assert tasks.drain_stream.apply(args=["ticket:3"]).get() == 5
    assert slept == [pytest.approx(0.5)] * 4  # 2.0 s in steps of 0.5
    delivered = sorted(stream for stream, _ in heard.single)
    assert delivered == sorted(["ticket:1", "ticket:3", *streams(4, offset=101)])


def test_a_busy_round_stops_waiting_once_the_batch_is_full(heard, monkeypatch, bounds):
    slept = []

    def a_burst_meanwhile(seconds):
        slept.append(seconds)
        held([(stream, 1) for stream in streams(20, offset=100 + 20 * len(slept))])

    monkeypatch.setattr(tasks.time, "sleep", a_burst_meanwhile)
    monkeypatch.setattr(tasks, "_last_drain_ended", tasks.time.monotonic())  # busy
    held([("ticket:0", 1)])
    # 1, 21, 41, then 61 streams: three pauses, the batch goes as it reaches GATHER_TARGET.
    assert tasks.drain_stream.apply(args=["ticket:0"]).get() == 61
    assert len(slept) == 3 and 1 + 20 * 3 >= tasks.GATHER_TARGET > 1 + 20 * 2


def test_a_stream_that_waited_long_enough_goes_without_a_pause(heard, monkeypatch, bounds):
    slept = []
    monkeypatch.setattr(tasks.time, "sleep", slept.append)
    monkeypatch.setattr(tasks, "_last_drain_ended", tasks.time.monotonic())  # busy
    held([("ticket:1", 1), ("ticket:2", 1)])
    committed = timezone.now() - timedelta(seconds=tasks.GATHER_MAX_WAIT)
    OutboxEvent.objects.filter(stream="ticket:2").update(occurred_at=committed)
    assert tasks.drain_stream.apply(args=["ticket:1"]).get() == 2
    assert slept == []


def test_a_worker_task_lets_each_later_small_round_gather_company(heard, monkeypatch, bounds):
    """A steady trickle: the commits made while a round was delivered are few; the next round
    waits for more instead of paying a batch's fixed cost for them alone."""
    slept, rounds = [], []

    def meanwhile(seconds):
        slept.append(seconds)
        if len(slept) == 1:
            held([("ticket:5", 1), ("ticket:6", 1)])  # committed during the pause

    original = waves.drain_many

    def counted(streams, company=()):
        done = original(streams, company=company)
        rounds.append(done)
        if len(rounds) == 1:
            held([("ticket:4", 1)])  # committed while the first round was delivered
        return done

    monkeypatch.setattr(tasks.time, "sleep", meanwhile)
    monkeypatch.setattr(tasks, "_last_drain_ended", float("-inf"))  # the first round at once
    monkeypatch.setattr(waves, "drain_many", counted)
    held([(stream, 1) for stream in streams(3)])
    assert tasks.drain_stream.apply(args=["ticket:0"]).get() == 6
    assert sum(slept) == pytest.approx(2.0)  # before the second round only
    assert rounds[:2] == [3, 3]  # ticket:4 went with the two that came during the pauses
    assert sorted(heard.single) == [(f"ticket:{n}", 1) for n in (0, 1, 2, 4, 5, 6)]


def test_commits_queue_one_drain_and_it_takes_every_batch(heard, monkeypatch):
    queued = []
    monkeypatch.setitem(tasks.drain_stream.app.conf, "task_always_eager", False)
    monkeypatch.setattr(tasks, "run_or_queue", lambda task, stream: queued.append(stream))
    tasks.cache.delete(tasks.DRAIN_QUEUED)
    held([(stream, 1) for stream in streams(250)])

    for stream in streams(250):  # each commit's hook, with no worker to start the task yet
        tasks.schedule_drain(stream)
    assert queued == ["ticket:0"]

    # The worker starts it: every waiting stream is delivered, 100 at a time, by that task.
    monkeypatch.setitem(tasks.drain_stream.app.conf, "task_always_eager", True)
    assert tasks.drain_stream.apply(args=["ticket:0"]).get() == 250
    assert not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()
    monkeypatch.setitem(tasks.drain_stream.app.conf, "task_always_eager", False)
    tasks.schedule_drain("ticket:300")  # ended, its flag down: the next commit queues again
    assert queued == ["ticket:0", "ticket:300"]
    tasks.cache.delete(tasks.DRAIN_QUEUED)


@pytest.fixture
def queued(monkeypatch):
    """Tasks queued for a worker (none starts): (task name, args)."""
    seen = []
    monkeypatch.setitem(tasks.drain_stream.app.conf, "task_always_eager", False)
    monkeypatch.setattr(tasks, "run_or_queue", lambda task, *args: seen.append((task.name, args)))
    monkeypatch.setattr(tasks.time, "sleep", lambda seconds: None)
    tasks.forget_queued_drain()
    yield seen
    tasks.forget_queued_drain()


def test_commits_while_a_drain_runs_queue_nothing_and_it_takes_them(heard, queued, monkeypatch):
    """A steady trickle: the running task delivers what is committed during its rounds, rather
    than a task per commit that the worker's children would take in turns."""
    original = waves.drain_many
    committed = iter(["ticket:1", "ticket:2"])

    def a_commit_meanwhile(streams, company=()):
        done = original(streams, company=company)
        stream = next(committed, None)
        if stream:
            held([(stream, 1)])
            tasks.schedule_drain(stream)  # its commit's hook finds the flag up
        return done

    monkeypatch.setattr(waves, "drain_many", a_commit_meanwhile)
    held([("ticket:0", 1)])
    tasks.schedule_drain("ticket:0")
    assert queued == [("core.drain_stream", ("ticket:0",))]

    assert tasks.drain_stream.apply(args=["ticket:0"]).get() == 3
    assert queued == [("core.drain_stream", ("ticket:0",))]  # no task for ticket:1 or ticket:2
    assert sorted(heard.single) == [(stream, 1) for stream in streams(3)]
    tasks.schedule_drain("ticket:3")  # the task let go of the flag as it ended
    assert queued[-1] == ("core.drain_stream", ("ticket:3",))


def test_a_commit_just_before_the_flag_comes_down_is_still_delivered(heard, queued, monkeypatch):
    """The race at the end: a round finds nothing, a commit then finds the flag still up and
    queues no task; the task looks again once its flag is down and delivers that commit."""
    original = tasks._gathered

    def late_commit(waiting, waited, **kwargs):
        found = original(waiting, waited, **kwargs)
        if not found and not heard.single.count(("ticket:9", 1)):
            held([("ticket:9", 1)])
            tasks.schedule_drain("ticket:9")  # flag up: nothing queued
        return found

    monkeypatch.setattr(tasks, "_gathered", late_commit)
    held([("ticket:0", 1)])
    tasks.schedule_drain("ticket:0")
    assert tasks.drain_stream.apply(args=["ticket:0"]).get() == 2
    assert queued == [("core.drain_stream", ("ticket:0",))]
    assert sorted(heard.single) == [("ticket:0", 1), ("ticket:9", 1)]
    assert not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()


def test_full_batches_waiting_ask_for_one_helper_at_a_time(heard, queued):
    """A backlog: the running drain asks for a second pair of hands (another worker process)
    while a full batch waits, one helper queued at a time; the helper takes batches too."""
    held([(stream, 1) for stream in streams(350)])
    tasks.schedule_drain("ticket:0")

    assert tasks.drain_stream.apply(args=["ticket:0"]).get() == 350
    helpers = [task for task in queued if task[0] == "core.drain_help"]
    assert helpers == [("core.drain_help", ())]  # two full rounds, one helper queued

    held([(stream, 2) for stream in streams(250, offset=400)])
    # The helper takes full batches while they wait (the second oldest first) and leaves the
    # last, smaller one to the running drain, whose flag is up.
    assert tasks.drain_help.apply().get() == 200
    assert OutboxEvent.objects.filter(dispatched_at__isnull=True).count() == 50
    # Once started, its flag was down: its own first full round asked for the next helper.
    helpers = [task for task in queued if task[0] == "core.drain_help"]
    assert helpers == [("core.drain_help", ())] * 2


def test_a_task_that_fails_lets_the_commits_queue_again(heard, queued, monkeypatch):
    def down(streams, company=()):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(waves, "drain_many", down)
    held([("ticket:0", 1)])
    tasks.schedule_drain("ticket:0")
    with pytest.raises(RuntimeError):
        tasks.drain_stream.apply(args=["ticket:0"], throw=True).get()
    tasks.schedule_drain("ticket:0")
    assert queued == [("core.drain_stream", ("ticket:0",))] * 2
