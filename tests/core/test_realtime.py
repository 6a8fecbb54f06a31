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


class SlowLayer:
    """A channel layer whose group_send yields to the loop mid-way, as a Redis round trip
    does: records each send and how many were in flight at once."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, int]] = []
        self.in_flight = 0
        self.most_in_flight = 0

    async def group_send(self, group: str, message: dict) -> None:
        import asyncio

        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(0)
        self.sent.append((group, message["n"]))
        self.in_flight -= 1


def test_users_groups_go_side_by_side_and_every_lane_keeps_its_order():
    from asgiref.sync import async_to_sync

    messages = []
    for n in range(60):
        messages.append((realtime.user_group(n % 20), {"n": n}))
        if n % 3 == 0:
            messages.append(("dashboard.all" if n % 2 else f"dashboard.team.{n % 4}", {"n": n}))
    layer = SlowLayer()

    async_to_sync(realtime._send_all)(layer, messages)

    assert sorted(layer.sent) == sorted((group, message["n"]) for group, message in messages)
    for user in range(20):  # each user's notifications in the order sent
        group = realtime.user_group(user)
        assert [n for g, n in layer.sent if g == group] == [
            n for g, m in messages if g == group for n in [m["n"]]
        ]
    # The groups that are not a user's share one lane: their messages keep their order.
    others = [(g, m["n"]) for g, m in messages if not g.startswith(realtime.USER_GROUP_PREFIX)]
    assert [sent for sent in layer.sent if sent in others] == others
    assert 1 < layer.most_in_flight <= realtime.PARALLEL_GROUPS
