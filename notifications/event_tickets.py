"""The tickets a subscriber's events are about, read with what the messages name (requester,
owner, team)."""

from tickets.models import Ticket


def ticket_of(ticket_id) -> Ticket:
    return Ticket.objects.select_related("requester", "owner", "team").get(pk=ticket_id)


def tickets_of(ticket_ids: list) -> dict:
    """The tickets of a batch by id, in one query. A missing one fails the batch, as
    ``ticket_of`` fails its event (the one-by-one drain then retries it)."""
    found = Ticket.objects.select_related("requester", "owner", "team").in_bulk(set(ticket_ids))
    missing = set(ticket_ids) - set(found)
    if missing:
        raise Ticket.DoesNotExist(f"No ticket {', '.join(sorted(map(str, missing)))}.")
    return found
