"""Evaluating triage on a labelled set (``manage.py eval_semantic_triage``): nothing stored.

The set is replayed in memory: the teams' profiles are embedded as routing embeds them, half
the tickets (stratified by team, fixed seed) become resolved history (each teaches its team,
as routing.actions.triage_learning does, and the learned classifier is trained on their
categories), and the other half is evaluated, before any history and after it, by four
methods: the keyword map alone, the learned classifier alone, semantic similarity alone, and
the blend routing uses."""

import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

from org.models import Team
from routing import learned_triage, triage
from routing.semantic import blend, service
from routing.semantic.history_models import Reading
from routing.semantic.lexical import Lesson, Lexicon, ticket_text
from routing.semantic.vectors import unit

# "embedding": the provider's vectors alone; "semantic": with the character n-grams too (what
# triage reads in the text); "blend": with the keyword map and the classifier (what routes).
METHODS = ("keywords", "classifier", "embedding", "semantic", "blend")


@dataclass(frozen=True)
class LabelledTicket:
    source: str
    team: str
    category: str
    title: str
    description: str


@dataclass
class Score:
    method: str
    top1: int = 0
    top3: int = 0
    total: int = 0
    confusion: Counter = field(default_factory=Counter)  # (truth, predicted) -> count
    confidences: list = field(default_factory=list)  # (confidence, correct)
    sources: dict = field(default_factory=dict)  # source -> [top-1, top-3, total]

    def add(
        self, truth: str, ranked: list[str], confidence: float | None = None, source: str = ""
    ) -> None:
        predicted = ranked[0] if ranked else "-"
        self.total += 1
        self.top1 += predicted == truth
        self.top3 += truth in ranked[:3]
        counts = self.sources.setdefault(source, [0, 0, 0])
        counts[0] += predicted == truth
        counts[1] += truth in ranked[:3]
        counts[2] += 1
        self.confusion[(truth, predicted)] += 1
        if confidence is not None:
            self.confidences.append((confidence, predicted == truth))

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.total if self.total else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.total if self.total else 0.0


def load_set(teams_path: Path, tickets_path: Path) -> tuple[list[dict], list[LabelledTicket]]:
    teams = json.loads(teams_path.read_text(encoding="utf-8"))["teams"]
    rows = json.loads(tickets_path.read_text(encoding="utf-8"))["tickets"]
    known = {team["slug"] for team in teams}
    tickets = [
        LabelledTicket(r["source"], r["team"], r["category"], r["title"], r["description"])
        for r in rows
    ]
    unknown = {t.team for t in tickets} - known
    if unknown:
        raise ValueError(f"Tickets name teams the teams file lacks: {', '.join(sorted(unknown))}")
    return teams, tickets


def split(tickets: list[LabelledTicket], seed: int) -> tuple[list, list]:
    history, evaluated = train_test_split(
        tickets, test_size=0.5, random_state=seed, stratify=[t.team for t in tickets]
    )
    return list(history), list(evaluated)


def _team(spec: dict) -> Team:
    return Team(
        name=spec["name"],
        description=spec["description"],
        capabilities=[spec["category"], *spec["capabilities"]],
        example_tickets=spec["examples"],
    )


def lexicon(teams: list[dict], history: list[LabelledTicket] | None = None) -> Lexicon:
    """The teams' n-grams; with ``history``, each ticket a lesson of its team."""
    profiles = [_team(spec) for spec in teams]
    words = Lexicon(
        ["\n".join(service.team_parts(team)) for team in profiles],
        topics=[service.team_topics(team) for team in profiles],
    )
    index = {spec["slug"]: position for position, spec in enumerate(teams)}
    words.learn(
        [
            Lesson((number,), index[t.team], t.title, t.description)
            for number, t in enumerate(history or [])
        ]
    )
    return words


def team_vectors(teams: list[dict], provider, history=None, vectors=None) -> list[blend.TeamVector]:
    """The teams as routing's triage sees them; with ``history`` (tickets and their vectors),
    each team's centroid and nearest lessons as learning would have left them."""
    learned: dict[str, list[np.ndarray]] = defaultdict(list)
    for ticket, vector in zip(history or [], vectors if vectors is not None else [], strict=False):
        learned[ticket.team].append(vector)
    found = []
    for spec in teams:
        team = _team(spec)
        lessons = learned.get(spec["slug"], [])
        found.append(
            blend.TeamVector(
                team_id=spec["slug"],
                name=spec["name"],
                capabilities=tuple(c.lower() for c in team.capabilities),
                profile=service.team_vector(team, provider),
                learned=unit(np.sum(lessons, axis=0)) if lessons else None,
                learned_count=len(lessons),
                neighbours=np.vstack(lessons[-service.NEIGHBOURS_PER_TEAM :]) if lessons else None,
                topics=service.topic_vectors(team, provider),
                topic_names=tuple(service.team_topics(team)),
            )
        )
    return found


def train_classifier(history: list[LabelledTicket]):
    with threadpool_limits(limits=1):
        return learned_triage.build_pipeline().fit(
            [learned_triage.ticket_text(t.title, t.description) for t in history],
            [t.category for t in history],
        )


def classifier_guess(model, ticket: LabelledTicket) -> tuple[str, float, dict[str, float]]:
    if model is None:
        return "", 0.0, {}
    with threadpool_limits(limits=1):
        probabilities = model.predict_proba(
            [learned_triage.ticket_text(ticket.title, ticket.description)]
        )[0]
    by_class = {str(c): float(p) for c, p in zip(model.classes_, probabilities, strict=True)}
    best = max(by_class, key=by_class.get)
    return best, by_class[best], by_class


def evaluate(
    *,
    teams: list[dict],
    tickets: list[LabelledTicket],
    provider,
    keyword_map: dict,
    weights: blend.BlendWeights,
    history: list[LabelledTicket] | None = None,
    learner: Callable | None = None,
) -> dict[str, Score]:
    """The four methods' scores on ``tickets``, after ``history`` when given. ``learner``
    (a size -> model factory of routing.semantic.history_models) adds a history model's
    scores, taught each history ticket once, in order."""
    history_vectors = (
        [service.ticket_vector(t.title, t.description, provider) for t in history]
        if history
        else None
    )
    vectors = team_vectors(teams, provider, history, history_vectors)
    team_of_category = {spec["category"]: spec["slug"] for spec in teams}
    model = train_classifier(history) if history else None
    words = lexicon(teams, history)
    taught = teach(learner, teams, history, history_vectors, provider, words, keyword_map, weights)
    scores = {method: Score(method) for method in METHODS}
    for ticket in tickets:
        keyword = triage.guess_category(ticket.title, ticket.description, keyword_map)
        guess, confidence, by_class = classifier_guess(model, ticket)
        signals = blend.Signals(keyword, guess, confidence, False, tuple(by_class.items()))
        only_keywords = blend.Signals(keyword_category=keyword)
        ranked = blend.rank_teams(
            np.zeros(provider.dim), vectors, only_keywords, weights, use_semantic=False
        )
        scores["keywords"].add(ticket.team, [r.team_id for r in ranked] if keyword else [])
        by_team = sorted(by_class, key=lambda c: -by_class[c])
        scores["classifier"].add(ticket.team, [team_of_category.get(c, c) for c in by_team])
        vector = service.ticket_vector(ticket.title, ticket.description, provider)
        embedding = blend.rank_teams(vector, vectors, blend.Signals(), weights)
        scores["embedding"].add(ticket.team, [r.team_id for r in embedding])
        lexical = words.scores(ticket.title, ticket.description)
        read = {
            "lexical": lexical.profile,
            "learned_lexical": lexical.learned,
            "lesson_counts": words.counts,
            "lexical_topics": lexical.topics,
        }
        if taught is not None:
            read["learned_scores"] = taught.scores(reading(ticket, vector, words))
        semantic = blend.rank_teams(vector, vectors, blend.Signals(), weights, **read)
        scores["semantic"].add(
            ticket.team, [r.team_id for r in semantic], semantic[0].probability, ticket.source
        )
        blended = blend.rank_teams(vector, vectors, signals, weights, **read)
        scores["blend"].add(
            ticket.team, [r.team_id for r in blended], blended[0].probability, ticket.source
        )
    return scores


def reading(ticket: LabelledTicket, vector: np.ndarray, words: Lexicon) -> Reading:
    return Reading(vector, words.transform([ticket_text(ticket.title, ticket.description)]))


def teach(learner, teams, history, history_vectors, provider, words, keyword_map, weights):
    """A history model taught each history ticket once, in order, against what triage read
    of it with the profiles and the keyword map alone (None without a learner or history)."""
    if learner is None or not history:
        return None
    model = learner(len(teams))
    vectors = team_vectors(teams, provider)  # the profiles alone: no later lesson leaks in
    order = [spec["slug"] for spec in teams]
    for ticket, vector in zip(history, history_vectors, strict=True):
        keyword = triage.guess_category(ticket.title, ticket.description, keyword_map)
        lexical = words.scores(ticket.title, ticket.description)
        ranked = blend.rank_teams(
            vector,
            vectors,
            blend.Signals(keyword_category=keyword),
            weights,
            lexical=lexical.profile,
            lexical_topics=lexical.topics,
        )
        by_id = {r.team_id: r.score for r in ranked}
        prior = np.array([by_id[slug] for slug in order])
        model.learn(reading(ticket, vector, words), order.index(ticket.team), prior)
    return model


def calibration(score: Score, bins: int = 5) -> tuple[float, list[tuple[str, int, float, float]]]:
    """Expected calibration error and (bin, count, mean confidence, accuracy) per bin."""
    rows, error = [], 0.0
    edges = np.linspace(0, 1, bins + 1)
    for low, high in pairwise(edges):
        inside = [
            (c, ok) for c, ok in score.confidences if low <= c < high or (high == 1 and c == 1)
        ]
        if not inside:
            continue
        mean = float(np.mean([c for c, _ in inside]))
        accuracy = float(np.mean([ok for _, ok in inside]))
        error += len(inside) / len(score.confidences) * abs(mean - accuracy)
        rows.append((f"{low:.1f}-{high:.1f}", len(inside), mean, accuracy))
    return error, rows


def timed_triage(
    provider, tickets: list[LabelledTicket], vectors, weights, keyword_map, words: Lexicon
) -> tuple[list[float], list[float]]:
    """Milliseconds (wall, and this thread's CPU) of triage for each ticket: what it adds to
    a routing decision. CPU time shows the cost on a machine busy with other work."""
    timings, cpu = [], []
    for ticket in tickets:
        started, cpu_started = time.perf_counter(), time.thread_time()
        vector = service.ticket_vector(ticket.title, ticket.description, provider)
        lexical = words.scores(ticket.title, ticket.description)
        signals = blend.Signals(
            triage.guess_category(ticket.title, ticket.description, keyword_map)
        )
        blend.triage(
            vector=vector, teams=vectors, categories={}, signals=signals, weights=weights,
            threshold=0.4, provider=provider.name, lexical=lexical.profile,
            learned_lexical=lexical.learned, lesson_counts=words.counts,
            lexical_topics=lexical.topics,
        )  # fmt: skip
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - cpu_started) * 1000)
    return timings, cpu
