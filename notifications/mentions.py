"""A colleague named with ``@`` in a reply or note hears of it, by their own preferences for
mentions (channels, timing, quiet hours): one notification per person and entry, however
often the entry names them."""

from django.contrib.auth import get_user_model

from core.subscriptions import Event, subscribe
from notifications.actions.notify import notify
from notifications.models import EventType
from tickets.events import TICKET_MENTIONED, TicketEvent
from tickets.models import Ticket, TimelineEntry


@subscribe(TICKET_MENTIONED, name="notifications.mentions")
def tell_mentioned(event: Event) -> None:
    change = TicketEvent.of(event)
    wanted = set(change.data["mentioned"]) - {change.actor_id}
    people = list(
        get_user_model()
        .objects.filter(pk__in=wanted, is_active=True)
        .prefetch_related("groups")
        .order_by("pk")
    )
    if not people:
        return
    ticket = Ticket.objects.select_related("requester", "owner", "team").get(pk=change.ticket_id)
    entry = TimelineEntry.objects.only("id", "content").get(pk=change.data["entry"])
    notify(
        recipients=people,
        event_type=EventType.MENTION,
        ticket=ticket,
        payload={
            "entry_id": str(entry.pk),
            "content": entry.content,
            "actor_name": change.actor["name"] if change.actor else "Someone",
            "internal": change.data["visibility"] != TimelineEntry.Visibility.PUBLIC,
        },
    )
