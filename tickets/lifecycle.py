"""The ticket status machine and task status machine, as pure data and functions.

Services call ``ensure_transition`` before every status write; the model calls it again on save,
so no door (admin, shell, a careless update) can move a ticket along an edge that is not here.
"""

from django.db import models

from core.exceptions import DomainError, InvalidTransition

__all__ = [
    "CLOSED_STATUSES",
    "OPEN_STATUSES",
    "TASK_TRANSITIONS",
    "TICKET_TRANSITIONS",
    "InvalidTransition",
    "TaskStatus",
    "TicketStatus",
    "can_transition",
    "ensure_task_transition",
    "ensure_transition",
]


class TicketStatus(models.TextChoices):
    NEW = "new", "New"
    IN_PROGRESS = "in_progress", "In progress"
    ESCALATED = "escalated", "Escalated"
    WAITING = "waiting", "Waiting on requester"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


class TaskStatus(models.TextChoices):
    TODO = "todo", "To do"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


S = TicketStatus
TICKET_TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.IN_PROGRESS}),  # accept
    # escalated is derived: while any envelope is pending or active.
    S.IN_PROGRESS: frozenset({S.ESCALATED, S.WAITING, S.RESOLVED}),
    S.ESCALATED: frozenset({S.IN_PROGRESS, S.RESOLVED}),
    S.WAITING: frozenset({S.IN_PROGRESS}),
    S.RESOLVED: frozenset({S.IN_PROGRESS, S.CLOSED}),  # reopen, close
    S.CLOSED: frozenset(),
}

# Open work, in the machine's order; and done work (resolved or closed). The one definition.
OPEN_STATUSES = (S.NEW, S.IN_PROGRESS, S.ESCALATED, S.WAITING)
CLOSED_STATUSES = (S.RESOLVED, S.CLOSED)

T = TaskStatus
TASK_TRANSITIONS: dict[str, frozenset[str]] = {
    T.TODO: frozenset({T.IN_PROGRESS, T.DONE, T.CANCELLED}),
    T.IN_PROGRESS: frozenset({T.TODO, T.DONE, T.CANCELLED}),
    T.DONE: frozenset({T.IN_PROGRESS}),  # found not done after all
    T.CANCELLED: frozenset({T.TODO}),
}


def can_transition(current: str, target: str) -> bool:
    return target in TICKET_TRANSITIONS.get(current, frozenset())


def ensure_transition(current: str, target: str) -> None:
    if not can_transition(current, target):
        raise InvalidTransition(current, target)


def ensure_task_transition(current: str, target: str) -> None:
    if target not in TASK_TRANSITIONS.get(current, frozenset()):
        raise InvalidTransition(current, target, kind="task")


class TicketNotOpen(DomainError):
    """Work added to a resolved or closed ticket (a task): a conflict with its state, as a
    task's change on a closed ticket is. The API answers 409."""


class TaskOfClosedTicket(InvalidTransition):
    """A closed ticket is final, its tasks with it (a resolved one may still have its tasks
    tidied up: it can be reopened). The API answers 409."""

    def __init__(self, current: str, target: str) -> None:
        super().__init__(current, target, kind="task")
        self.args = (f"The ticket is closed: its task cannot go from '{current}' to '{target}'.",)
