"""``{% follow_token ticket timeline %}``: what the requester's page shows, as the token the
poller sends back (desk.portal.follow compares it with the ticket's current one);
``{% follow_seconds %}``: how often it asks."""

from django import template

from desk.portal.follow import follow_token as token_of
from desk.portal.follow import poll_seconds

register = template.Library()


@register.simple_tag
def follow_token(ticket, timeline) -> str:
    return token_of(ticket.status, len(timeline))


@register.simple_tag
def follow_seconds() -> int:
    return poll_seconds()
