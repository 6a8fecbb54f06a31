"""``{% resolution_panel ticket %}``: the resolutions section of the ticket page, drawn from
its own context (resolutions.pages.ticket.panel_context), so the desk's view needs no change."""

from django import template

from resolutions.money import display
from resolutions.pages.ticket import panel_context

register = template.Library()


@register.inclusion_tag("resolutions/_panel.html", takes_context=True)
def resolution_panel(context, ticket) -> dict:
    request = context["request"]
    return {**panel_context(request.user, ticket), "csrf_token": context.get("csrf_token")}


@register.filter
def money(amount, currency: str) -> str:
    """``{{ amount|money:currency }}``: the amount as the currency writes it."""
    return display(amount, currency)
