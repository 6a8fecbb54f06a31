"""The routing decision. Pure: snapshots in, a Decision out; no ORM, no clock of its own.

Order of precedence:
1. rules, in order: the first matching ``assign`` decides (recorded in ``rule``); other
   actions (set_priority, set_category, add_flag, notify) apply as they match, and a matching
   rule with ``stop`` ends the evaluation;
2. affinity: the team that handled this ticket before (reopened) or the requester's previous
   ticket of the same category within the window, if it is eligible and not full;
3. weighted scoring over the eligible teams, ties broken by availability, then name, then id.
Then an agent of the chosen team is suggested (skills match, has capacity, least loaded).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from routing import scoring
from routing.rules import facts_of, rule_matches
from routing.semantic.blend import TriageResult
from routing.snapshots import (
    AgentSnapshot,
    RoutingConfig,
    RuleSnapshot,
    TeamSnapshot,
    TicketSnapshot,
)

METHOD_RULE, METHOD_AFFINITY, METHOD_SCORING, METHOD_NONE = "rule", "affinity", "scoring", "none"


@dataclass(frozen=True)
class Candidate:
    team: TeamSnapshot
    scores: dict[str, float]
    composite: float

    def document(self) -> dict:
        return {
            "group_id": self.team.team_id,
            "group_name": self.team.name,
            "composite": round(self.composite, 4),
            "scores": {name: round(value, 4) for name, value in self.scores.items()},
        }


@dataclass(frozen=True)
class RuleOutcome:
    ticket: TicketSnapshot  # after set_priority / set_category / add_flag
    team: TeamSnapshot | None = None
    agent_email: str | None = None
    rule: RuleSnapshot | None = None
    effects: tuple[dict, ...] = ()  # every non-assign action that matched, with its rule
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    method: str
    ticket: TicketSnapshot
    team: TeamSnapshot | None
    scores: dict[str, float]  # the seven factors and "composite", rounded
    candidates: tuple[Candidate, ...]
    rationale: str
    confidence: float
    rule: RuleSnapshot | None = None
    effects: tuple[dict, ...] = ()
    agent_email: str | None = None  # forced by an agent:<email> rule target
    changes: dict = field(default_factory=dict)  # ticket fields the rules changed
    triage: dict = field(default_factory=dict)  # semantic triage's document, when it ran

    @property
    def candidate_documents(self) -> list[dict]:
        return [candidate.document() for candidate in self.candidates]


# --- rules ---------------------------------------------------------------------------------


def apply_rules(
    *,
    ticket: TicketSnapshot,
    rules: Sequence[RuleSnapshot],
    teams: Sequence[TeamSnapshot],
    at: datetime,
    agent_teams: Mapping[str, Sequence[str]] | None = None,
    extra_facts: Mapping | None = None,
) -> RuleOutcome:
    """Run the rules (already filtered to the event, in order) against the ticket."""
    active_by_slug = {team.slug: team for team in teams if team.active}
    active_by_id = {team.team_id: team for team in teams if team.active}
    chosen, agent_email, deciding_rule = None, None, None
    effects: list[dict] = []
    notes: list[str] = []
    for rule in rules:
        if not rule_matches(rule.conditions, facts_of(ticket, at, extra_facts)):
            continue
        for action in rule.actions:
            kind = action["type"]
            if kind == "assign":
                if chosen is not None:
                    continue
                team, email, note = _assign_target(
                    action["to"], rule, active_by_slug, active_by_id, agent_teams or {}
                )
                if team is None:
                    notes.append(note)
                    continue
                chosen, agent_email, deciding_rule = team, email, rule
            else:
                ticket = _apply_change(ticket, action)
                effects.append({**action, "rule": rule.name})
        if rule.stop:
            break
    return RuleOutcome(ticket, chosen, agent_email, deciding_rule, tuple(effects), tuple(notes))


def _assign_target(target, rule, by_slug, by_id, agent_teams):
    kind, _, name = target.partition(":")
    if kind == "team":
        team = by_slug.get(name)
        if team is None:
            return None, None, f"Rule '{rule.name}' names team '{name}', which is not active."
        return team, None, ""
    email = name.strip().lower()
    for team_id in agent_teams.get(email, ()):
        if team_id in by_id:
            return by_id[team_id], email, ""
    return None, None, f"Rule '{rule.name}' names agent {email}, who has no active team."


def _apply_change(ticket: TicketSnapshot, action: dict) -> TicketSnapshot:
    kind = action["type"]
    if kind == "set_priority":
        return replace(ticket, priority=action["value"])
    if kind == "set_category":
        return replace(ticket, category=action["value"].strip().lower())
    if kind == "add_flag":
        return replace(ticket, flags=ticket.flags | {action["value"]})
    return ticket


# --- eligibility and scoring ---------------------------------------------------------------


def category_terms(ticket: TicketSnapshot, keywords: Sequence[str] = ()) -> set[str]:
    category = ticket.category.strip().lower()
    if not category:
        return set()
    return {category, *(k.lower() for k in keywords)}


def eligible_teams(
    ticket: TicketSnapshot, teams: Sequence[TeamSnapshot], keywords: Sequence[str] = ()
) -> tuple[list[TeamSnapshot], bool]:
    """Active teams whose capabilities include the category or one of its keywords; when
    none does, every active team. Returns (teams, whether the capability matched)."""
    active = [team for team in teams if team.active]
    terms = category_terms(ticket, keywords)
    matching = [team for team in active if terms & {c.lower() for c in team.capabilities}]
    return (matching, True) if matching else (active, False)


def rank(
    ticket: TicketSnapshot, teams: Sequence[TeamSnapshot], config: RoutingConfig, at: datetime
) -> list[Candidate]:
    candidates = []
    for team in teams:
        scores = scoring.score_team(team, ticket, config, at)
        candidates.append(Candidate(team, scores, scoring.composite(scores, config.weights)))
    candidates.sort(
        key=lambda c: ranking_key(
            c.composite, c.scores["availability"], c.team.name, c.team.team_id
        )
    )
    return candidates


def ranking_key(composite: float, availability: float, name: str, team_id: str) -> tuple:
    """Deterministic: best composite, then most available, then name, then id (also how
    routing.reweigh re-ranks stored candidates under other weights)."""
    return (-round(composite, 9), -availability, name, team_id)


def _score_document(candidate: Candidate | None) -> dict[str, float]:
    if candidate is None:
        return {}
    return {**candidate.document()["scores"], "composite": round(candidate.composite, 4)}


# --- the decision --------------------------------------------------------------------------


def decide(
    *,
    ticket: TicketSnapshot,
    teams: Sequence[TeamSnapshot],
    rules: Sequence[RuleSnapshot],
    config: RoutingConfig,
    at: datetime,
    agent_teams: Mapping[str, Sequence[str]] | None = None,
    extra_facts: Mapping | None = None,
    triage: TriageResult | None = None,
    queue_team_id: str | None = None,
) -> Decision:
    """``triage``: semantic triage's reading of a ticket that came without a category; its
    shortlist is the pool scoring chooses from (the triage queue's team alone when its
    confidence is low), unless a rule set the category."""
    outcome = apply_rules(
        ticket=ticket,
        rules=rules,
        teams=teams,
        at=at,
        agent_teams=agent_teams,
        extra_facts=extra_facts,
    )
    original, ticket = ticket, outcome.ticket
    changes = {
        name: getattr(ticket, name)
        for name in ("priority", "category")
        if getattr(ticket, name) != getattr(original, name)
    }
    if triage is not None and "category" in changes:
        triage = None  # a rule said what the ticket is about
    eligible, matched = eligible_teams(ticket, teams, config.category_keywords)
    pool = triage_pool(triage, teams, queue_team_id) if triage else None
    if pool:
        eligible = pool[0]
    candidates = rank(ticket, eligible, config, at)
    by_id = {c.team.team_id: c for c in candidates}
    notes = list(outcome.notes)
    if triage is not None:
        notes.append(triage.summary())
    common = {
        "ticket": ticket,
        "candidates": tuple(candidates),
        "effects": outcome.effects,
        "triage": triage.document() if triage else {},
    }
    if outcome.team is not None:
        team = outcome.team
        candidate = by_id.get(team.team_id) or rank(ticket, [team], config, at)[0]
        notes.insert(0, f"Rule '{outcome.rule.name}' assigned {team.name}.")
        return Decision(
            method=METHOD_RULE,
            team=team,
            scores=_score_document(candidate),
            rationale=" ".join(notes),
            confidence=1.0,
            rule=outcome.rule,
            agent_email=outcome.agent_email,
            changes=changes,
            **common,
        )
    affinity = by_id.get(ticket.previous_team_id or "")
    if affinity is not None and affinity.scores["availability"] > 0:
        notes.insert(
            0,
            f"Affinity: {affinity.team.name} handled this requester's {ticket.category or 'ticket'}"
            f" before and has room (availability {affinity.scores['availability']:.2f}).",
        )
        return Decision(
            method=METHOD_AFFINITY,
            team=affinity.team,
            scores=_score_document(affinity),
            rationale=" ".join(notes),
            confidence=round(affinity.composite, 4),
            changes=changes,
            **common,
        )
    if not candidates:
        notes.insert(0, "No eligible team: no team is active.")
        return Decision(
            method=METHOD_NONE,
            team=None,
            scores={},
            rationale=" ".join(notes),
            confidence=0.0,
            changes=changes,
            **common,
        )
    best = candidates[0]
    notes.insert(0, _scoring_rationale(ticket, candidates, matched, pool[1] if pool else None))
    return Decision(
        method=METHOD_SCORING,
        team=best.team,
        scores=_score_document(best),
        rationale=" ".join(notes),
        confidence=round(best.composite, 4),
        changes=changes,
        **common,
    )


def triage_pool(
    triage: TriageResult, teams: Sequence[TeamSnapshot], queue_team_id: str | None
) -> tuple[list[TeamSnapshot], str] | None:
    """The teams scoring chooses from after triage, and how to say so; None: triage named no
    active team (eligibility by capability decides, as without triage)."""
    active = {team.team_id: team for team in teams if team.active}
    if triage.needs_triage and queue_team_id in active:
        return [active[queue_team_id]], "the triage queue (confidence too low)"
    shortlisted = [active[team_id] for team_id in triage.shortlist_ids if team_id in active]
    if not shortlisted:
        return None
    return shortlisted, f"{len(shortlisted)} team(s) triage found able to do the work"


def _scoring_rationale(
    ticket: TicketSnapshot, candidates: list[Candidate], matched: bool, pool: str | None = None
) -> str:
    best = candidates[0]
    top = sorted(best.scores.items(), key=lambda item: -item[1])[:2]
    strongest = ", ".join(f"{name} {value:.2f}" for name, value in top)
    if pool is not None:
        pass  # triage's shortlist or its queue
    elif matched:
        pool = f"{len(candidates)} team(s) handling '{ticket.category}'"
    elif ticket.category:
        pool = f"all {len(candidates)} active team(s) (none lists '{ticket.category}')"
    else:
        pool = f"all {len(candidates)} active team(s) (no category)"
    text = f"Scoring chose {best.team.name} (composite {best.composite:.2f}) among {pool}"
    if len(candidates) > 1:
        margin = best.composite - candidates[1].composite
        text += f", {margin:.2f} ahead of {candidates[1].team.name}"
    text += f"; strongest factors: {strongest}."
    if best.scores["availability"] == 0:
        text += " Every eligible team is at full capacity."
    return text


# --- the agent -----------------------------------------------------------------------------


def suggest_agent(
    ticket: TicketSnapshot, agents: Sequence[AgentSnapshot], keywords: Sequence[str] = ()
) -> AgentSnapshot | None:
    """An agent of the chosen team to suggest (not the owner): has capacity, most skills
    matching the ticket (category, its keywords, words of the title), least loaded
    (relative, then absolute), then e-mail for a stable order."""
    words = category_terms(ticket, keywords) | {
        word.strip(".,:;!?()[]\"'").lower() for word in ticket.title.split()
    }
    with_room = [agent for agent in agents if agent.open_count < agent.max_capacity]
    if not with_room:
        return None

    def key(agent: AgentSnapshot):
        matches = len(words & {skill.lower() for skill in agent.skills})
        return (-matches, agent.open_count / agent.max_capacity, agent.open_count, agent.email)

    return min(with_room, key=key)
