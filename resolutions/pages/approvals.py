"""The approvals queue page: the requests a team lead or manager may decide, with approve and
reject (a reason); the decision goes through resolutions.actions.approvals."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.exceptions import DomainError
from resolutions.actions import approvals
from resolutions.models import ApprovalRequest
from resolutions.pages.common import error_status, field_errors, require_staff
from resolutions.selectors import approval_queue
from tickets.selectors import visible_tickets

DECISIONS = {"approve": approvals.approve, "reject": approvals.reject}


def queue(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    return _page(request)


def _page(request: HttpRequest, *, error=None, failed=None, status: int = 200) -> HttpResponse:
    context = {
        "approvals": list(approval_queue(request.user)),
        "errors": field_errors(error) if error is not None else {},
        "failed": failed,
    }
    return render(request, "resolutions/approvals.html", context, status=status)


@require_POST
def decide(request: HttpRequest, approval_id, decision: str) -> HttpResponse:
    require_staff(request.user)
    if decision not in DECISIONS:
        return _page(request, status=404)
    tickets = visible_tickets(request.user).values("pk")
    approval = get_object_or_404(
        ApprovalRequest.objects.filter(resolution__ticket__in=tickets), pk=approval_id
    )
    reason = request.POST.get("reason", "")[:5000]
    try:
        DECISIONS[decision](actor=request.user, approval_id=approval.pk, reason=reason)
    except DomainError as error:
        return _page(request, error=error, failed=approval.pk, status=error_status(error))
    return HttpResponseRedirect(reverse("resolutions:approvals"))
