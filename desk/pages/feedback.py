"""What the ticket page says after an action succeeds (a Django message, shown at the top of
the page it redirects to)."""

from django.contrib import messages
from django.http import HttpRequest

from tickets.models import TimelineEntry

ACTION_MESSAGES = {
    "accept": "You own this ticket now.",
    "wait": "Waiting on the requester: the SLA clock is paused if the policy says so.",
    "resume": "Resumed.",
    "resolve": "Resolved. The requester is told.",
    "reopen": "Reopened.",
    "close": "Closed.",
}


def action_done(request: HttpRequest, action: str) -> None:
    messages.success(request, ACTION_MESSAGES.get(action, "Done."))


def entry_done(request: HttpRequest, visibility: str) -> None:
    if visibility == TimelineEntry.Visibility.INTERNAL:
        messages.success(request, "Internal note added (the requester does not see it).")
    else:
        messages.success(request, "Reply sent.")
