"""``{% follow_token ticket timeline %}``: what the requester's page shows, as the token the
poller sends back (desk.portal.follow compares it with the ticket's current one)."""

from django import template

from desk.portal.follow import follow_token as token_of

register = template.Library()


@register.simple_tag
def follow_token(ticket, timeline) -> str:
    return token_of(ticket.status, len(timeline))
