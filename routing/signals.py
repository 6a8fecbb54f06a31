"""The post-save path: a ticket saved without a team, by any door (API, webhook, admin, e-mail,
page), is routed once, after commit, by routing.tasks.route_ticket_task (eager in-process
without REDIS_URL, a Celery task otherwise). Receivers only schedule work.

``ticket_routed`` is sent after the commit of every stored decision (with ``decision``):
handler plugins and the live dashboard connect to it."""

from functools import partial

from django.db import transaction
from django.dispatch import Signal

from core.background import run_or_queue

ticket_routed = Signal()


def schedule_routing(sender, instance, raw=False, **kwargs) -> None:
    from routing.services import routing_is_writing
    from routing.tasks import route_ticket_task

    if raw or instance.team_id is not None or not instance.is_open or routing_is_writing():
        return
    transaction.on_commit(partial(run_or_queue, route_ticket_task, str(instance.pk)), robust=True)
