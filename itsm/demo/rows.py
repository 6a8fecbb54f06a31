"""One demo ticket's rows, as the actions would have written them step by step: the ticket,
its timeline (system lines with the actions' own wording, replies, notes, envelope threads),
audit rows, envelopes, tasks, flags, the knowledge-base use and the rating; each row at the
instant its step happened. ``History`` gathers them for the bulk insert."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core.models import AuditLog
from escalations.lifecycle import EnvelopeStatus
from escalations.models import Envelope
from itsm.demo.life import Step
from itsm.demo.writing import audit_row
from kb.models import ArticleUse
from notifications.models import SatisfactionRating
from routing.actions.effects import rule_flags
from routing.models import AllocationDecision
from tickets.lifecycle import TaskStatus, TicketStatus
from tickets.models import CaseFlag, Task, Ticket, TimelineEntry

S, E, V, T = TicketStatus, TimelineEntry.Type, TimelineEntry.Visibility, TaskStatus


@dataclass
class History:
    """Every row of the demo's tickets, in the order they are inserted."""

    tickets: list[Ticket] = field(default_factory=list)
    decisions: list[AllocationDecision] = field(default_factory=list)
    entries: list[TimelineEntry] = field(default_factory=list)
    audit: list[AuditLog] = field(default_factory=list)
    envelopes: list[Envelope] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    flags: list[CaseFlag] = field(default_factory=list)
    uses: list[ArticleUse] = field(default_factory=list)
    ratings: list[SatisfactionRating] = field(default_factory=list)


@dataclass
class TicketRows:
    """Writes one ticket's steps; ``status`` follows them as the state machine would."""

    history: History
    ticket: Ticket
    names: dict[int, str]  # user id -> display name
    requester_user_id: int | None
    by_email: bool  # the requester writes by e-mail (no login used): entries carry the contact
    happenings: list[tuple[datetime, str, str]] = field(default_factory=list)
    status: str = S.NEW

    def entry(self, at, type, content, *, author=None, visibility=V.INTERNAL, **extra) -> None:
        self.history.entries.append(
            TimelineEntry(
                id=uuid.uuid4(),
                ticket_id=self.ticket.pk,
                type=type,
                visibility=visibility,
                author_id=author,
                content=content,
                created_at=at,
                **extra,
            )
        )

    def audit(self, at, action: str, actor=None, **data) -> None:
        self.history.audit.append(
            audit_row(at, action, actor_id=actor, ticket_id=self.ticket.pk, data=data)
        )

    def move(self, at, target: str, note: str, actor=None) -> None:
        """tickets.actions.status.move: the status, a system line, an audit row."""
        previous, self.status = self.status, target
        self.entry(at, E.SYSTEM, note, author=actor)
        self.audit(at, f"ticket.{target}", actor, **{"from": previous, "to": target})
        self.happenings.append((at, "status", target))

    def created(self, actor_id) -> None:
        ticket = self.ticket
        self.entry(
            ticket.created_at, E.SYSTEM, f"Ticket created from {ticket.source}.", author=actor_id
        )
        self.audit(
            ticket.created_at,
            "ticket.created",
            actor_id,
            reference=ticket.reference,
            source=ticket.source,
        )

    def routed(self, decision: AllocationDecision, team_slug: str) -> None:
        at = decision.decided_at
        for kind, note in rule_flags(decision.actions):
            self.history.flags.append(
                CaseFlag(ticket_id=self.ticket.pk, kind=kind, note=note, created_at=at)
            )
            self.audit(at, "ticket.flagged", kind=kind, by="routing")
        text = (
            f"Routed to {decision.team_name} by "
            + {
                "rule": f"rule '{decision.rule_name}'",
                "affinity": "affinity",
                "scoring": f"scoring (composite {decision.confidence:.2f})",
            }[decision.method]
            + "."
        )
        if decision.assigned_user_email:
            text += f" Suggested agent: {decision.assigned_user_email}."
        self.entry(at, E.SYSTEM, text)
        audit = {
            "decision": str(decision.pk),
            "method": decision.method,
            "team": str(decision.team_id),
            "rule": decision.rule_name or None,
            "changes": {"team": [None, str(decision.team_id)]},
        }
        self.audit(at, "ticket.routed", **audit)
        self.history.decisions.append(decision)

    def requester_entry(self, at, content: str) -> None:
        """A requester's reply: by e-mail (imported, the contact as author) or in the portal."""
        if self.by_email:
            self.entry(
                at,
                E.EMAIL,
                content,
                visibility=V.PUBLIC,
                author_contact_id=self.ticket.requester_id,
            )
        else:
            self.entry(at, E.EMAIL, content, visibility=V.PUBLIC, author=self.requester_user_id)
        self.happenings.append((at, "activity", ""))
        if self.status == S.WAITING:
            actor = None if self.by_email else self.requester_user_id
            self.move(at, S.IN_PROGRESS, "The requester replied; resumed.", actor)

    def step(self, step: Step, now: datetime, articles: dict) -> None:
        getattr(self, f"_{step.kind}")(step, now, articles)

    def _accept(self, step, now, articles) -> None:
        ticket, owner = self.ticket, step.actor_id
        ticket.owner_id, ticket.accepted_at = owner, step.at
        self.status = S.IN_PROGRESS
        self.entry(step.at, E.SYSTEM, f"Accepted by {self.names[owner]}.", author=owner)
        self.audit(step.at, "ticket.accepted", owner, owner=owner)
        self.happenings.append((step.at, "status", S.IN_PROGRESS))

    def _reply(self, step, now, articles) -> None:
        self.entry(step.at, E.EMAIL, step.text, author=step.actor_id, visibility=V.PUBLIC)
        self.happenings.append((step.at, "reply", ""))

    def _note(self, step, now, articles) -> None:
        self.entry(step.at, E.NOTE, step.text, author=step.actor_id)
        self.happenings.append((step.at, "activity", ""))

    def _ask(self, step, now, articles) -> None:
        self._reply(step, now, articles)
        later = step.at + timedelta(seconds=20)
        self.move(later, S.WAITING, "Waiting on the requester. Asked for details.", step.actor_id)

    def _answer(self, step, now, articles) -> None:
        self.requester_entry(step.at, step.text)

    def _thanks(self, step, now, articles) -> None:
        self.requester_entry(step.at, step.text)

    def _envelope(self, step, now, articles) -> None:
        x, owner = step.extra, step.actor_id
        taken, done = (
            x["taken"] if x["taken"] <= now else None,
            x["done"] if x["done"] <= now else None,
        )
        status = (
            EnvelopeStatus.COMPLETED
            if done
            else EnvelopeStatus.ACTIVE
            if taken
            else EnvelopeStatus.PENDING
        )
        envelope = Envelope(
            id=uuid.uuid4(),
            ticket_id=self.ticket.pk,
            requested_by_id=owner,
            team_id=x["team_id"],
            assigned_to_id=x["expert_id"] if taken else None,
            reason=step.text,
            status=status,
            summary=x["summary"] if done else "",
            created_at=step.at,
            updated_at=done or taken or step.at,
            accepted_at=taken,
            closed_at=done,
        )
        self.history.envelopes.append(envelope)
        label = x["label"]
        self.entry(
            step.at,
            E.ENVELOPE_REQUEST,
            step.text,
            author=owner,
            visibility=V.ENVELOPE_ONLY,
            envelope_id=envelope.id,
        )
        self.entry(step.at, E.SYSTEM, f"Envelope opened for {label}.", author=owner)
        self.audit(
            step.at,
            "envelope.opened",
            owner,
            envelope=str(envelope.id),
            team=x["team_slug"],
            agent=None,
        )
        self.move(step.at, S.ESCALATED, "Escalated: an envelope is open.", owner)
        expert = x["expert_id"]
        if taken:
            self.entry(
                taken,
                E.SYSTEM,
                f"Envelope for {label} accepted by {x['expert_name']}.",
                author=expert,
            )
            self.audit(taken, "envelope.accepted", expert, envelope=str(envelope.id), expert=expert)
        if done:
            self.entry(done, E.NOTE, f"Envelope summary ({label}): {x['summary']}", author=expert)
            self.audit(done, "envelope.completed", expert, envelope=str(envelope.id))
            self.move(
                done, S.IN_PROGRESS, "No envelope is open any more: back in progress.", expert
            )

    def _task(self, step, now, articles) -> None:
        x, owner = step.extra, step.actor_id
        done = x["done"] if x["done"] <= now else None
        task = Task(
            id=uuid.uuid4(),
            ticket_id=self.ticket.pk,
            title=step.text,
            assigned_to_id=x["assignee"],
            created_by_id=owner,
            status=T.DONE if done else T.TODO,
            created_at=step.at,
            updated_at=done or step.at,
            completed_at=done,
        )
        self.history.tasks.append(task)
        content = f"Task added for {self.names[x['assignee']]}: {task.title}"
        self.entry(step.at, E.TASK, content, author=owner)
        self.audit(step.at, "task.created", owner, task=str(task.id))
        if done:
            self.audit(
                done,
                "task.status",
                x["assignee"],
                task=str(task.id),
                **{"from": T.TODO, "to": T.DONE},
            )

    def _kb(self, step, now, articles) -> None:
        article = articles.get(self.ticket.category)
        if article is None:
            return
        self.history.uses.append(
            ArticleUse(
                article_id=article[0],
                ticket_id=self.ticket.pk,
                used_by_id=step.actor_id,
                score=step.extra["score"],
                created_at=step.at,
            )
        )
        self.entry(
            step.at, E.SYSTEM, f"Knowledge base article used: {article[1]}.", author=step.actor_id
        )

    def _resolve(self, step, now, articles) -> None:
        self.ticket.resolution, self.ticket.resolved_at = step.text, step.at
        self.move(step.at, S.RESOLVED, "Resolved.", step.actor_id)

    def _reopen(self, step, now, articles) -> None:
        self.ticket.resolved_at = None
        self.move(step.at, S.IN_PROGRESS, f"Reopened. {step.text}", step.actor_id)

    def _close(self, step, now, articles) -> None:
        self.ticket.closed_at = step.at
        self.move(step.at, S.CLOSED, "Closed.", step.actor_id)

    def _csat(self, step, now, articles) -> None:
        self.history.ratings.append(step.extra["rating"])
        rating = step.extra["rating"]
        rating.ticket_id, rating.contact_id = self.ticket.pk, self.ticket.requester_id
        rating.created_at = rating.updated_at = step.at
        self.audit(step.at, "ticket.csat_rated", rating=rating.rating)
