"""Receivers only schedule work: a committed routing decision is handed to the handler
plugins by integrations.tasks.dispatch_decision_task."""

from functools import partial

from django.db import transaction


def on_ticket_routed(sender, decision, **kwargs) -> None:
    from integrations.outbound import any_endpoint_enabled
    from integrations.tasks import dispatch_decision_task

    if not any_endpoint_enabled():
        return  # nothing to tell: no task, no queries (the common case without handlers)
    transaction.on_commit(partial(dispatch_decision_task.delay, str(decision.pk)), robust=True)
