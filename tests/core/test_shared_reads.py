"""core.shared_reads: within a batch of deliveries the values every ticket reads from the shared
cache (version tokens, the active triage model) are read once, not once per ticket; what this
process writes meanwhile is what it reads back; the next batch sees another process's change.

The suite's cache keeps the memos' tokens in the database unless it is Redis; these tests make
the memos keep them in the cache (``shared_tokens``), as they do with Redis, on both runs."""

import pytest
from django.core.cache import cache

from core import memo, shared_reads, waves
from integrations.actions.outbound import any_endpoint_enabled, endpoint_memo
from routing.semantic import service
from tests import factories
from tests.commits import created_in_one_burst
from tickets.events import stream_of
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


class CountingCache:
    """The cache, with its reads counted (gets and get_many calls)."""

    def __init__(self, real) -> None:
        self.real = real
        self.gets: list[str] = []
        self.get_manys = 0

    def get(self, key, *args, **kwargs):
        self.gets.append(key)
        return self.real.get(key, *args, **kwargs)

    def get_many(self, keys, *args, **kwargs):
        self.get_manys += 1
        return self.real.get_many(keys, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.real, name)


@pytest.fixture
def shared_tokens(monkeypatch):
    monkeypatch.setattr(memo, "_tokens_in_database", lambda: False)
    memo.forget_all()
    yield
    memo.forget_all()


@pytest.fixture
def reads(monkeypatch):
    counting = CountingCache(cache)
    monkeypatch.setattr(shared_reads, "cache", counting)
    return counting


def test_outside_a_batch_every_read_goes_to_the_cache(shared_tokens, reads):
    for _ in range(3):
        any_endpoint_enabled()
    assert reads.gets.count(endpoint_memo.version_key) == 3


def test_in_a_batch_the_tokens_come_in_one_read_and_are_not_read_again(shared_tokens, reads):
    any_endpoint_enabled()  # the token exists
    reads.gets.clear()
    with shared_reads.read_once():
        for _ in range(5):
            any_endpoint_enabled()
            service.state()
    assert reads.get_manys == 1
    assert endpoint_memo.version_key not in reads.gets
    assert service.PROFILE_KEY not in reads.gets and service.LEARNED_KEY not in reads.gets


def test_a_change_by_this_process_is_seen_at_once_another_process_s_by_the_next_batch(
    shared_tokens,
):
    before = endpoint_memo.loaded().version
    with shared_reads.read_once():
        cache.set(endpoint_memo.version_key, "changed-elsewhere", timeout=None)
        assert endpoint_memo.loaded().version == before  # the batch's read stands
        memo.replace_token(endpoint_memo.version_key)  # this process's own change
        mine = endpoint_memo.loaded().version
        assert mine not in (before, "changed-elsewhere")
    cache.set(endpoint_memo.version_key, "changed-elsewhere", timeout=None)
    with shared_reads.read_once():
        assert endpoint_memo.loaded().version == "changed-elsewhere"


def test_a_key_the_cache_lost_is_agreed_again_and_read_back(shared_tokens, monkeypatch):
    with shared_reads.read_once():
        cache.delete(endpoint_memo.version_key)
        memo.forget_all()
    agreed = CountingCache(cache)  # the memo's own reads, when it agrees on a new token
    monkeypatch.setattr(memo, "cache", agreed)
    with shared_reads.read_once():
        first = endpoint_memo.loaded().version
        assert first and cache.get(endpoint_memo.version_key) == first
        assert agreed.gets == [endpoint_memo.version_key]
        # The agreed token is the batch's from then on: not agreed, nor read, again.
        assert endpoint_memo.loaded().version == first
        assert agreed.gets == [endpoint_memo.version_key]


def test_batches_nest_in_the_outer_one(reads):
    with shared_reads.read_once():
        shared_reads.get("some-key")
        with shared_reads.read_once():
            shared_reads.get("some-key")
            shared_reads.remember("some-key", "written here")
        assert shared_reads.get("some-key") == "written here"
    assert reads.gets == ["some-key"]


@pytest.mark.held_commits
def test_a_batch_of_deliveries_reads_the_shared_cache_once_not_per_ticket(
    shared_tokens, reads, manager
):
    factories.TeamFactory(slug="network", capabilities=["network"])
    created = created_in_one_burst(manager, [f"VPN drops on floor {n}" for n in range(12)])

    waves.drain_many([stream_of(ticket.pk) for ticket in created])

    assert Ticket.objects.filter(pk__in=[t.pk for t in created], team__isnull=False).count() == 12
    # One get_many for the registered keys; a key first read in the batch once (the old code
    # read the memos' tokens and triage's keys for every ticket: 30 and more for these 12).
    assert reads.get_manys == 1
    assert len(reads.gets) == len(set(reads.gets)) <= 4
