"""Repeat contacts: a new ticket about an issue an earlier ticket of the same requester (or
company) already holds is linked to that ticket, the issue's original. The KB finds the match
(kb.repeats, after the new ticket's commit); this writes the link, a line on both timelines and
the audit row, and when the issue reaches ``ITSM_REPEAT_CONTACT_THRESHOLD`` contacts (the
original counts as the first) flags the original ``repeat_contact`` through the flag service:
its owner is told once (notifications), however many more contacts come.

``link_repeats`` does the same for a batch's links in a fixed number of statements, the
flags of every issue that reaches the threshold included (flag_tickets)."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count

from core.audit import AuditRow, record_audit_rows
from tickets.actions.flags import flag_tickets
from tickets.actions.journal import record_system_entries
from tickets.models import CaseFlag, RepeatContact, Ticket
from tickets.selectors import lock_tickets


@dataclass(frozen=True)
class RepeatLink:
    """A match the KB found: ``ticket_id`` is about the issue ``matched_id`` belongs to."""

    ticket_id: object
    matched_id: object
    score: float
    matched_by: str


def threshold() -> int:
    return max(2, int(getattr(settings, "ITSM_REPEAT_CONTACT_THRESHOLD", 3)))


@transaction.atomic
def link_repeat(*, ticket_id, matched_id, score: float, matched_by: str) -> RepeatContact | None:
    """Link ``ticket_id`` to the issue ``matched_id`` belongs to (its original), once: a ticket
    already linked, or matched to itself, is left as it is. Returns the new link or None."""
    made = link_repeats(links=[RepeatLink(ticket_id, matched_id, score, matched_by)])
    return made[0] if made else None


@transaction.atomic
def link_repeats(*, links: Sequence[RepeatLink]) -> list[RepeatContact]:
    """``link_repeat`` for each link, in order, as if called one after another (a link made
    earlier in the list counts for a later one): the existing links read in two queries, the
    tickets locked in one, the new links, timeline lines and audit rows written in one
    statement each. Returns the new links."""
    if not links:
        return []
    state = _Issues.read(
        [_pk(link.ticket_id) for link in links], [_pk(link.matched_id) for link in links]
    )
    tickets = lock_tickets(sorted(state.involved(), key=str))
    writes, flags = _Writes(), _Flags()
    for link in links:
        ticket = tickets[_pk(link.ticket_id)]
        original = tickets[state.original_of(_pk(link.matched_id))]
        if ticket.pk == original.pk or ticket.pk in state.linked or ticket.pk in state.counts:
            continue  # already linked; an original itself (issues are not merged here)
        if original.pk in flags.tickets:
            # A timeline line after this flag's: both written first, as one by one.
            writes.flush()
            flags.flush()
        contacts = state.link(ticket.pk, original.pk)
        writes.add(ticket, original, link, contacts)
        if contacts >= threshold():
            flags.add(original, f"{contacts} contacts about this issue.")
    writes.flush()  # each flag's timeline line comes after its ticket's link lines
    flags.flush()
    return writes.made


class _Flags:
    """The repeat-contact flags of a batch, set together (flag_tickets) after the links."""

    def __init__(self) -> None:
        self.wanted: list[tuple[Ticket, str, str]] = []
        self.tickets: set = set()

    def add(self, original: Ticket, note: str) -> None:
        self.wanted.append((original, CaseFlag.Kind.REPEAT_CONTACT, note))
        self.tickets.add(original.pk)

    def flush(self) -> None:
        if self.wanted:
            flag_tickets(wanted=self.wanted, actor=None, by=None)
        self.wanted, self.tickets = [], set()


class _Issues:
    """The links that matter to a batch, as the batch adds to them: each repeat's original,
    and each original's number of repeats."""

    def __init__(self, linked: dict, counts: dict, matched: list) -> None:
        self.linked = linked  # ticket id -> its original's id
        self.counts = counts  # original id -> its repeats
        self.matched = matched

    @classmethod
    def read(cls, ticket_ids: list, matched_ids: list) -> "_Issues":
        ids = set(ticket_ids) | set(matched_ids)
        rows = RepeatContact.objects.filter(ticket_id__in=ids)
        linked = dict(rows.values_list("ticket_id", "original_id"))
        originals = {linked.get(pk, pk) for pk in ids}
        counts = dict(
            RepeatContact.objects.filter(original_id__in=originals)
            .values("original_id")
            .annotate(n=Count("id"))
            .values_list("original_id", "n")
            .order_by()
        )
        return cls(linked, counts, [*ticket_ids, *matched_ids])

    def involved(self) -> set:
        """Every ticket a link of the batch may touch: the new ones, the matched ones and
        their originals (a batch's own link leads to one of these)."""
        return {*self.matched, *(self.linked.get(pk, pk) for pk in self.matched)}

    def original_of(self, ticket_id) -> object:
        return self.linked.get(ticket_id, ticket_id)

    def link(self, ticket_id, original_id) -> int:
        """Record the new link; the issue's contacts (the original counts as the first)."""
        self.linked[ticket_id] = original_id
        self.counts[original_id] = self.counts.get(original_id, 0) + 1
        return 1 + self.counts[original_id]


class _Writes:
    """The rows of new links, written together (before a flag, and at the end)."""

    def __init__(self) -> None:
        self.made: list[RepeatContact] = []
        self.pending: list[RepeatContact] = []
        self.lines: list[tuple[Ticket, str]] = []
        self.audits: list[AuditRow] = []

    def add(self, ticket: Ticket, original: Ticket, link: RepeatLink, contacts: int) -> None:
        row = RepeatContact(
            ticket=ticket, original=original, score=round(link.score, 4), matched_by=link.matched_by
        )
        self.pending.append(row)
        self.lines += [
            (ticket, f"Repeat contact about {original.reference} (same issue)."),
            (
                original,
                f"{ticket.reference} is a repeat contact about this issue ({contacts} contacts).",
            ),
        ]
        data = {"original": str(original.pk), "score": row.score, "matched_by": link.matched_by}
        self.audits.append(AuditRow("ticket.repeat_linked", ticket.pk, data))

    def flush(self) -> None:
        if not self.pending:
            return
        RepeatContact.objects.bulk_create(self.pending)
        record_system_entries(entries=self.lines)
        record_audit_rows(self.audits)
        self.made += self.pending
        self.pending, self.lines, self.audits = [], [], []


def _pk(value) -> object:
    return Ticket._meta.pk.to_python(value)
