"""``/kb/<pk>/solved/``: "this solved it" on a suggested article (kb.actions.solved). On the
new-ticket form (no ticket): no ticket is opened. On the requester's ticket page (``ticket``
posted): the ticket is resolved. htmx gets a fragment in place; a plain form post a redirect."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.exceptions import DomainError, NotPermitted
from kb.actions.solved import record_solved
from kb.models import Article
from tickets.models import Ticket


@login_required
@require_POST
def solved(request: HttpRequest, pk: int) -> HttpResponse:
    ticket_id = request.POST.get("ticket") or None
    try:
        outcome = record_solved(actor=request.user, article_id=pk, ticket_id=ticket_id)
    except NotPermitted as error:
        raise PermissionDenied(str(error)) from error
    except (Article.DoesNotExist, Ticket.DoesNotExist, ValidationError) as error:
        raise Http404("No such article or ticket.") from error
    except DomainError as error:
        return HttpResponse(str(error), status=409)
    if not request.htmx:
        if outcome.ticket is not None:
            return redirect("desk:detail", ticket_id=outcome.ticket.pk)
        return redirect("desk:list")
    response = render(request, "kb/_solved.html", {"outcome": outcome})
    if outcome.ticket is not None:
        response["HX-Trigger"] = "ticket-changed"  # the page redraws its status (_follow.html)
    return response
