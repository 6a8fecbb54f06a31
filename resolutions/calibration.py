"""Which cases a week's calibration queue holds (ISO week W, UTC):

- ``tier3``: every approved tier-3 resolution decided in W;
- ``flagged``: every ticket flagged physical_damage or social_media: its resolutions decided
  in W, or, flagged in W with none decided in W, the ticket itself;
- ``complaint``: every approved resolution on a ticket with a complaint (a CSAT rating of 1-2,
  or a ``complaint`` flag), decided in W or whose complaint came in W;
- ``random_sample``: of the remaining approved tier-1/2 resolutions decided in W, a sample of
  ``sample_size``, drawn with a generator seeded by the week: the same week, the same sample.

A resolution enters once, under the first of these reasons that fits. Reads only."""

import random
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from notifications.models import SatisfactionRating
from resolutions import tiers
from resolutions.models import CalibrationReason, Resolution, ResolutionStatus
from resolutions.periods import Week
from tickets.models import CaseFlag

FLAG_KINDS = ("physical_damage", "social_media")
COMPLAINT_FLAG = "complaint"
COMPLAINT_RATING = 2  # a CSAT rating of 1 or 2 is a complaint


@dataclass(frozen=True)
class Candidate:
    reason: str
    ticket_id: object
    resolution_id: object | None


def counted() -> QuerySet[Resolution]:
    return Resolution.objects.filter(status=ResolutionStatus.APPROVED)


def _in(week: Week, field: str) -> Q:
    return Q(**{f"{field}__gte": week.start, f"{field}__lt": week.end})


def candidates(week: Week, *, sample_size: int, sample: bool = True) -> list[Candidate]:
    """The queue of the week, in reason order. ``sample=False`` leaves the sample out (it was
    drawn before and stays as drawn)."""
    decided = counted().filter(_in(week, "decided_at"))
    found: list[Candidate] = []
    taken: set = set()

    def add(reason: str, rows) -> None:
        for resolution_id, ticket_id in rows:
            if resolution_id not in taken:
                taken.add(resolution_id)
                found.append(Candidate(reason, ticket_id, resolution_id))

    by_id = ("id", "ticket_id")
    add(
        CalibrationReason.TIER3,
        decided.filter(tier=tiers.MANAGER).order_by(*by_id).values_list(*by_id),
    )
    flagged = CaseFlag.objects.filter(kind__in=FLAG_KINDS)
    add(
        CalibrationReason.FLAGGED,
        decided.filter(ticket__in=flagged.values("ticket_id")).order_by(*by_id).values_list(*by_id),
    )
    with_resolution = {ticket_id for _, ticket_id in decided.values_list(*by_id)}
    for ticket_id in (
        flagged.filter(_in(week, "created_at"))
        .order_by("ticket_id")
        .values_list("ticket_id", flat=True)
        .distinct()
    ):
        if ticket_id not in with_resolution:
            found.append(Candidate(CalibrationReason.FLAGGED, ticket_id, None))
    add(
        CalibrationReason.COMPLAINT, _complaints(week, decided).order_by(*by_id).values_list(*by_id)
    )
    if sample:
        pool = list(
            decided.filter(tier__in=(tiers.AGENT, tiers.TEAM_LEAD))
            .exclude(id__in=taken)
            .order_by("id")
            .values_list(*by_id)
        )
        add(CalibrationReason.RANDOM_SAMPLE, draw(week, pool, sample_size))
    return found


def _complaints(week: Week, decided: QuerySet) -> QuerySet[Resolution]:
    rated = SatisfactionRating.objects.filter(rating__lte=COMPLAINT_RATING)
    flags = CaseFlag.objects.filter(kind=COMPLAINT_FLAG)
    complained = Q(ticket__in=rated.values("ticket_id")) | Q(ticket__in=flags.values("ticket_id"))
    new_complaint = Q(ticket__in=rated.filter(_in(week, "created_at")).values("ticket_id")) | Q(
        ticket__in=flags.filter(_in(week, "created_at")).values("ticket_id")
    )
    return counted().filter((Q(id__in=decided.values("id")) & complained) | new_complaint)


def draw(week: Week, pool: list, size: int) -> list:
    """``size`` of the pool (in a stable order) chosen by a generator seeded by the week."""
    if size <= 0 or not pool:
        return []
    return random.Random(str(week)).sample(pool, min(size, len(pool)))  # noqa: S311 - a sample, not a secret
