"""The calibration pages, for managers: a week's queue with a review form per item, generating
the queue on demand, and the report with its charts."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.exceptions import DomainError
from resolutions import report as reports
from resolutions.actions.calibration import Review, generate_queue, review_item
from resolutions.models import CalibrationItem, Outcome
from resolutions.pages.common import error_status, field_errors, require_manager
from resolutions.periods import Week


def _week(text: str | None) -> tuple[Week, str | None]:
    """The asked week, or last week with the reason a bad one was not used."""
    last = Week.of(timezone.now()).shifted(-1)
    if not text:
        return last, None
    try:
        return Week.parse(text), None
    except ValidationError as error:
        return last, " ".join(error.messages)


def queue(request: HttpRequest) -> HttpResponse:
    require_manager(request.user)
    week, problem = _week(request.GET.get("period"))
    return _page(request, week, errors={"period": [problem]} if problem else {})


def _page(request, week: Week, *, errors=None, failed=None, status: int = 200) -> HttpResponse:
    items = (
        CalibrationItem.objects.filter(period=str(week))
        .select_related("ticket", "resolution__agent", "resolution__team", "reviewed_by")
        .order_by("review_status", "reason", "created_at", "id")
    )
    context = {
        "week": week,
        "previous": week.shifted(-1),
        "next": week.shifted(1),
        "items": list(items),
        "outcomes": Outcome.choices,
        "errors": errors or {},
        "failed": failed,
    }
    return render(request, "resolutions/calibration.html", context, status=status)


@require_POST
def generate(request: HttpRequest) -> HttpResponse:
    require_manager(request.user)
    week, problem = _week(request.POST.get("period"))
    if problem:
        return _page(request, week, errors={"period": [problem]}, status=400)
    generate_queue(actor=request.user, week=week)
    return HttpResponseRedirect(f"{reverse('resolutions:calibration')}?period={week}")


@require_POST
def review(request: HttpRequest, item_id) -> HttpResponse:
    require_manager(request.user)
    item = CalibrationItem.objects.filter(pk=item_id).first()
    week, _ = _week(item.period if item else None)
    if item is None:
        return _page(request, week, errors={"non_field_errors": ["No such item."]}, status=404)
    text = request.POST.get("revised_amount", "").strip()
    try:
        amount = Decimal(text) if text else None
    except InvalidOperation:
        amount = text  # the action names it
    data = Review(request.POST.get("outcome", ""), request.POST.get("notes", "")[:5000], amount)
    try:
        review_item(actor=request.user, item_id=item.pk, review=data)
    except DomainError as error:
        return _page(
            request, week, errors=field_errors(error), failed=item.pk, status=error_status(error)
        )
    return HttpResponseRedirect(f"{reverse('resolutions:calibration')}?period={week}")


def report(request: HttpRequest) -> HttpResponse:
    require_manager(request.user)
    week, problem = _week(request.GET.get("period"))
    data = reports.build(week)
    charts = {
        "trend": [
            {"period": w["period"], "upheld_pct": w["upheld_pct"], "totals": w["totals"]}
            for w in data["trend"]
        ],
        "by_type": data["compensation"]["by_type"],
    }
    context = {
        "week": week,
        "previous": week.shifted(-1),
        "next": week.shifted(1),
        "report": data,
        "charts": charts,
        "errors": {"period": [problem]} if problem else {},
    }
    return render(request, "resolutions/report.html", context)
