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
