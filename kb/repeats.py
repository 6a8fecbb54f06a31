"""Repeat contacts found with the KB's similarity measure (kb.text: TF-IDF cosine over title
and description, the query as kb.suggestions builds it). After a new ticket's commit (any door:
the API, the portal, an inbound e-mail, a webhook) its earlier tickets on the same issue are
looked for: the same requester's (or, with ITSM_REPEAT_CONTACT_SCOPE "company", anyone's at
the same company), in the same category, open or resolved within
ITSM_REPEAT_CONTACT_WINDOW_DAYS; the most similar one at or above
ITSM_REPEAT_CONTACT_MIN_SIMILARITY is the match, and tickets.actions.repeats links them.

A wave's new tickets are handled together: their rows and candidates read in two queries
(kb.repeat_candidates), each text tokenised once, the links written by one batch action."""

from dataclasses import dataclass

from django.conf import settings

from core.subscriptions import Event, subscribe
from kb.repeat_candidates import batch_tickets, candidates, candidates_of
from kb.suggestions import query_text
from kb.text import Document, TermCounts, cosine_scores
from tickets.actions.repeats import RepeatLink, link_repeats
from tickets.events import TICKET_CREATED, TicketEvent
from tickets.models import Ticket


@dataclass(frozen=True)
class Match:
    ticket_id: object
    score: float
    matched_by: str


def find_match(ticket: Ticket, *, counts: TermCounts | None = None) -> Match | None:
    """The earlier ticket most like this one, if like enough."""
    found = candidates(ticket)
    return best_match(ticket, found.rows, found.matched_by, counts=counts or TermCounts())


def best_match(
    ticket: Ticket, found: list[Ticket], matched_by: str, *, counts: TermCounts
) -> Match | None:
    """The candidate most like ``ticket``, as kb.text.TfidfIndex ranks them: the best score
    (ties: the most recent), if at or above the minimum once rounded."""
    if not found:
        return None
    # The new ticket is in the corpus too, so its words weigh as in the others'.
    documents = [Document(row.pk, row.title, row.description) for row in found]
    documents.append(Document(ticket.pk, ticket.title, ticket.description))
    scores = cosine_scores(documents, query_text(ticket.title, ticket.description), counts=counts)
    best = min(range(len(found)), key=lambda i: (-scores[i], i))
    score = round(scores[best], 4)
    minimum = getattr(settings, "ITSM_REPEAT_CONTACT_MIN_SIMILARITY", 0.3)
    if scores[best] <= 0.0 or score < minimum:
        return None
    return Match(found[best].pk, score, matched_by)


def find_matches(ticket_ids: list) -> dict:
    """Ticket id -> its Match, for those that have one: the tickets and their candidates read
    in two queries (kb.repeat_candidates), each distinct text tokenised once."""
    tickets = batch_tickets(ticket_ids)
    found = candidates_of(list(tickets.values()))
    counts = TermCounts()
    matches = {}
    for pk, ticket in tickets.items():
        match = best_match(ticket, found[pk].rows, found[pk].matched_by, counts=counts)
        if match is not None:
            matches[pk] = match
    return matches


@subscribe(TICKET_CREATED, name="kb.repeat_contacts", batch=True)
def link_repeat_contacts(events: list[Event]) -> None:
    ticket_ids = [TicketEvent.of(event).ticket_id for event in events]
    # Read now, not from the events: routing (earlier in this wave) may have set the category.
    matches = find_matches(ticket_ids)
    links = [
        RepeatLink(ticket_id, match.ticket_id, match.score, match.matched_by)
        for ticket_id in ticket_ids
        if (match := matches.get(Ticket._meta.pk.to_python(ticket_id))) is not None
    ]
    if links:  # the action's transaction (a savepoint here) is for something to write
        link_repeats(links=links)
