"""Repeat contacts found with the KB's similarity measure (kb.text: TF-IDF cosine over title
and description, the query as kb.suggestions builds it). After a new ticket's commit (any door:
the API, the portal, an inbound e-mail, a webhook) its earlier tickets on the same issue are
looked for: the same requester's (or, with ITSM_REPEAT_CONTACT_SCOPE "company", anyone's at
the same company), in the same category, open or resolved within
ITSM_REPEAT_CONTACT_WINDOW_DAYS; the most similar one at or above
ITSM_REPEAT_CONTACT_MIN_SIMILARITY is the match, and tickets.actions.repeats links them."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Q

from core.subscriptions import Event, subscribe
from kb.suggestions import query_text
from kb.text import Document, TfidfIndex
from tickets.actions.repeats import link_repeat
from tickets.events import TICKET_CREATED, TicketEvent
from tickets.lifecycle import OPEN_STATUSES
from tickets.models import Ticket

CANDIDATES = 50


@dataclass(frozen=True)
class Match:
    ticket_id: object
    score: float
    matched_by: str


def _scope() -> str:
    scope = getattr(settings, "ITSM_REPEAT_CONTACT_SCOPE", "requester")
    return "company" if scope == "company" else "requester"


def candidates(ticket: Ticket) -> tuple[list[Ticket], str]:
    """The earlier tickets that may hold the same issue, most recent first (one query): open
    ones whatever their age, closed ones resolved within the window."""
    days = getattr(settings, "ITSM_REPEAT_CONTACT_WINDOW_DAYS", 7)
    since = ticket.created_at - timedelta(days=days)
    company_id = ticket.requester.company_id
    if _scope() == "company" and company_id is not None:
        whose, matched_by = Q(requester__company_id=company_id), "company"
    else:
        whose, matched_by = Q(requester_id=ticket.requester_id), "requester"
    rows = (
        Ticket.objects.filter(whose, category__iexact=ticket.category)
        .filter(Q(status__in=OPEN_STATUSES) | Q(resolved_at__gte=since))
        .filter(created_at__lte=ticket.created_at)
        .exclude(pk=ticket.pk)
        .only("id", "title", "description")
        .order_by("-created_at")[:CANDIDATES]
    )
    return list(rows), matched_by


def find_match(ticket: Ticket) -> Match | None:
    """The earlier ticket most like this one, if like enough."""
    found, matched_by = candidates(ticket)
    if not found:
        return None
    # The new ticket is in the corpus too, so its words weigh as in the others'.
    documents = [Document(row.pk, row.title, row.description) for row in found]
    documents.append(Document(ticket.pk, ticket.title, ticket.description))
    minimum = getattr(settings, "ITSM_REPEAT_CONTACT_MIN_SIMILARITY", 0.3)
    hits = TfidfIndex(documents).search(
        query_text(ticket.title, ticket.description), limit=2, min_score=0.0
    )
    best = next((hit for hit in hits if hit.id != ticket.pk and hit.score >= minimum), None)
    return Match(best.id, best.score, matched_by) if best else None


@subscribe(TICKET_CREATED, name="kb.repeat_contacts")
def link_repeat_contacts(event: Event) -> None:
    ticket_id = TicketEvent.of(event).ticket_id
    # Read now, not from the event: routing (earlier in this drain) may have set the category.
    ticket = Ticket.objects.select_related("requester").get(pk=ticket_id)
    match = find_match(ticket)
    if match is not None:
        link_repeat(
            ticket_id=ticket.pk,
            matched_id=match.ticket_id,
            score=match.score,
            matched_by=match.matched_by,
        )
