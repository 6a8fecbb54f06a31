"""core.realtime: websocket messages sent inside a transaction wait for its commit, go out
together in the order they were sent, and leave with a savepoint that rolls back."""

import pytest
from django.db import transaction

from core import realtime
from core.realtime import send_to_groups

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch) -> list:
    batches: list = []
    monkeypatch.setattr(realtime, "_send_now", lambda messages: batches.append(list(messages)))
    return batches


def test_a_transactions_messages_go_out_once_after_its_commit(sent):
    # An outermost atomic block in a test commits as in production (tests/commits.py).
    with transaction.atomic():
        send_to_groups([("a", {"n": 1})])
        with pytest.raises(RuntimeError), transaction.atomic():
            send_to_groups([("b", {"n": 2})])
            raise RuntimeError("this savepoint rolls back")
        send_to_groups([("c", {"n": 3}), ("d", {"n": 4})])
        assert sent == []  # nothing before the commit
    assert sent == [[("a", {"n": 1}), ("c", {"n": 3}), ("d", {"n": 4})]]


def test_a_rolled_back_transaction_sends_nothing(sent):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_to_groups([("a", {"n": 1})])
        raise RuntimeError("roll back")
    with transaction.atomic():
        pass
    assert sent == []


def test_a_delivery_process_forwards_its_messages_instead_of_sending_them(monkeypatch):
    """core.delivery_process: the sockets are in the server, so the child hands its batches
    over (through the pipe) and never touches its own channel layer."""
    forwarded: list = []
    monkeypatch.setattr(realtime, "send_here", lambda messages: pytest.fail("sent here"))
    realtime.forward_to(forwarded.append)
    try:
        with transaction.atomic():
            send_to_groups([("a", {"n": 1}), ("b", {"n": 2})])
            assert forwarded == []
    finally:
        realtime.forward_to(None)
    assert forwarded == [[("a", {"n": 1}), ("b", {"n": 2})]]


def test_the_server_sends_the_lines_its_delivery_process_writes(monkeypatch):
    """The server's side of the pipe: each JSON line's batch into its own channel layer, and
    the idle line sets the event a caller waits on."""
    from core.delivery_process import DeliveryProcess

    here: list = []
    monkeypatch.setattr(realtime, "send_here", here.append)
    lines = ['{"send":[["dashboard.all",{"type":"x","n":1}]]}\n', "not json\n", '{"idle":true}\n']

    class Child:
        stdout = iter(lines)

    process = DeliveryProcess()
    process._read(Child())
    assert here == [[("dashboard.all", {"type": "x", "n": 1})]]
    assert process.idle.is_set()
