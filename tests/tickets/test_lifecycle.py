import itertools

import pytest

from tickets.lifecycle import (
    TASK_TRANSITIONS,
    InvalidTransition,
    TaskStatus,
    TicketStatus,
    can_transition,
    ensure_task_transition,
    ensure_transition,
)

S = TicketStatus

# API.md, "Status", written out edge by edge.
ALLOWED = {
    (S.NEW, S.IN_PROGRESS),
    (S.IN_PROGRESS, S.ESCALATED),
    (S.ESCALATED, S.IN_PROGRESS),
    (S.IN_PROGRESS, S.WAITING),
    (S.WAITING, S.IN_PROGRESS),
    (S.IN_PROGRESS, S.RESOLVED),
    (S.ESCALATED, S.RESOLVED),
    (S.RESOLVED, S.IN_PROGRESS),
    (S.RESOLVED, S.CLOSED),
}


@pytest.mark.parametrize(("current", "target"), list(itertools.product(S.values, S.values)))
def test_every_pair_of_statuses_follows_the_contract(current, target):
    if (current, target) in ALLOWED:
        ensure_transition(current, target)
        assert can_transition(current, target)
    else:
        with pytest.raises(InvalidTransition):
            ensure_transition(current, target)


def test_closed_is_final():
    assert not any(can_transition(S.CLOSED, target) for target in S.values)


def test_invalid_transition_says_from_and_to():
    with pytest.raises(InvalidTransition, match="'new' to 'resolved'"):
        ensure_transition(S.NEW, S.RESOLVED)


@pytest.mark.parametrize(
    ("current", "target"), list(itertools.product(TaskStatus.values, TaskStatus.values))
)
def test_task_transitions(current, target):
    if target in TASK_TRANSITIONS[current]:
        ensure_task_transition(current, target)
    else:
        with pytest.raises(InvalidTransition):
            ensure_task_transition(current, target)


def test_a_cancelled_task_cannot_be_done():
    with pytest.raises(InvalidTransition):
        ensure_task_transition(TaskStatus.CANCELLED, TaskStatus.DONE)
