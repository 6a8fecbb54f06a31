"""A server process with a broker asks for drains from a thread of its own (core.kicker): the
committing request hands its stream over and goes on; streams handed over while a request to
the broker is on its way ride on the next one; an exiting process asks for what is left."""

import logging
import os
import threading

import pytest

from core import tasks
from core.kicker import Kicker

WAIT = 10.0  # seconds a test waits for the thread before it fails


class Claims:
    """The drain flag's claims, each with the thread that made it; the first blocks until
    ``release`` (a round trip to a broker that takes its time)."""

    def __init__(self) -> None:
        self.made: list[tuple[str, str]] = []
        self.first_started = threading.Event()
        self.released = threading.Event()

    def __call__(self, flag: str) -> bool:
        self.made.append((flag, threading.current_thread().name))
        if len(self.made) == 1:
            self.first_started.set()
            assert self.released.wait(WAIT)
        return True

    def release(self) -> None:
        self.released.set()


@pytest.fixture
def server(monkeypatch):
    """core.tasks as in a server process with a broker: a kicker of its own, tasks queued (and
    recorded, with their thread) instead of sent."""
    queued: list[tuple[str, tuple, str]] = []
    claims = Claims()
    kicker = Kicker()
    monkeypatch.setitem(tasks.drain_stream.app.conf, "task_always_eager", False)
    monkeypatch.setattr(tasks, "kicker", kicker)
    monkeypatch.setattr(tasks, "_claim", claims)
    monkeypatch.setattr(
        tasks,
        "run_or_queue",
        lambda task, *args: queued.append((task.name, args, threading.current_thread().name)),
    )
    kicker.start(tasks.request_drain)
    yield kicker, claims, queued
    claims.release()
    kicker.stop()


def test_the_request_thread_hands_the_stream_over_and_goes_on(server):
    kicker, claims, queued = server
    tasks.schedule_drain("ticket:1")
    # The claim is on its way (and held there); the committing thread is already back.
    assert claims.first_started.wait(WAIT)
    assert queued == []
    claims.release()
    kicker.stop()
    assert claims.made == [(tasks.DRAIN_QUEUED, "drain-requests")]
    assert queued == [("core.drain_stream", ("ticket:1",), "drain-requests")]


def test_streams_handed_over_meanwhile_ride_on_one_request(server):
    kicker, claims, queued = server
    tasks.schedule_drain("ticket:1")
    assert claims.first_started.wait(WAIT)
    for stream in ("ticket:2", "ticket:3", "ticket:4"):  # commits while the claim is away
        tasks.schedule_drain(stream)
    claims.release()
    kicker.stop()
    # One claim for the three, made after all of their commits: the task it queues takes
    # every waiting stream along (core.tasks.drain_stream).
    assert len(claims.made) == 2
    assert queued == [
        ("core.drain_stream", ("ticket:1",), "drain-requests"),
        ("core.drain_stream", ("ticket:2",), "drain-requests"),
    ]


def test_a_failed_request_is_logged_and_the_next_one_goes(caplog):
    asked, failures = [], [RuntimeError("the broker went away")]

    def request(stream: str) -> None:
        if failures:
            raise failures.pop()
        asked.append(stream)

    kicker = Kicker()
    kicker.start(request)
    with caplog.at_level(logging.WARNING, logger="core.kicker"):
        kicker.submit("ticket:1")
        kicker.stop()
    assert "A drain could not be requested for ticket:1" in caplog.text
    kicker.submit("ticket:2")  # a new thread: the last one ended with stop()
    kicker.stop()
    assert asked == ["ticket:2"]


def test_the_servers_own_process_without_a_kicker_claims_on_the_committing_thread(monkeypatch):
    """Workers, beat and commands (no server entry point): the claim is the caller's."""
    claims, queued = [], []
    monkeypatch.setitem(tasks.drain_stream.app.conf, "task_always_eager", False)
    monkeypatch.setattr(tasks, "kicker", Kicker())
    monkeypatch.setattr(tasks, "_claim", lambda flag: claims.append(flag) or True)
    monkeypatch.setattr(tasks, "run_or_queue", lambda task, *args: queued.append(args))
    tasks.schedule_drain("ticket:1")
    assert claims == [tasks.DRAIN_QUEUED] and queued == [("ticket:1",)]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_asks_from_a_thread_of_its_own():
    """A server's workers fork after import: the parent's thread is not the child's."""
    read_end, write_end = os.pipe()

    def request(stream: str) -> None:
        os.write(write_end, f"{os.getpid()}:{stream}\n".encode())

    kicker = Kicker()
    kicker.start(request)
    kicker.submit("parent")
    pid = os.fork()
    if pid == 0:  # the child: its own thread asks, then the process ends without pytest's exit
        try:
            kicker.submit("child")
            kicker.stop()
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    kicker.stop()
    os.close(write_end)
    with os.fdopen(read_end) as lines:
        asked = sorted(lines.read().split())
    assert asked == sorted([f"{os.getpid()}:parent", f"{pid}:child"])
