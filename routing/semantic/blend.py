"""Ranking teams and categories for a ticket: pure, vectors and signals in, a TriageResult out.

A team's semantic similarity is the cosine between the ticket and its profile, moved towards
the cosine with the centroid of the tickets it learned from as those accumulate (weight
``n / (n + learned_half)``), and towards the best cosine with one of those tickets (nearest
neighbour). A profile lists topics (the clauses of its description, its capabilities, its
examples): the cosine with the closest one adds to the score, as the n-grams against it do, so
a ticket about one thing a broad team does is not lost in the mean of all of them. The
keyword map's category adds to the score of every team whose capabilities list
it; the learned classifier adds the log of the probability it gives each team's categories (a
product of experts with the blend's softmax: a confident classifier moves the ranking, an
unsure one, nearly uniform, does not). A softmax with a temperature turns the scores
into probabilities; the top one is the confidence."""

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class TeamVector:
    team_id: str
    name: str
    capabilities: tuple[str, ...]
    profile: np.ndarray  # unit
    learned: np.ndarray | None = None  # unit centroid of its lessons
    learned_count: int = 0
    neighbours: np.ndarray | None = None  # (k, dim) unit vectors of its lessons
    topics: np.ndarray | None = None  # (k, dim) unit vectors of its profile's topics
    topic_names: tuple[str, ...] = ()  # their texts, in the same order


@dataclass(frozen=True)
class Signals:
    keyword_category: str = ""
    classifier_category: str = ""
    classifier_confidence: float = 0.0
    # Above the learned model's own threshold (TriageSettings): it names the category.
    classifier_trusted: bool = False
    # The classifier's probability for every category it knows, as (category, p) pairs.
    classifier_probabilities: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class BlendWeights:
    """Defaults chosen by cross-validation inside the history half of the labelled set
    (docs/triage.md): the n-gram centroid of a team's lessons helped there; the embedding
    centroid and the nearest lessons did not. ``classifier_log`` and ``learned_lexical`` are
    the weights a conditional logit fitted on that half (routing.semantic.stacking: the
    profiles' reading as a fixed offset, the lessons' evidence cross-fitted)."""

    # The profile's weights, in units of the profile's cosine, and the temperature: fitted
    # together on the history half before any history (stacking.fit_profiles; 2026-12-05).
    lexical: float = 1.81  # character n-grams of the ticket against each profile (was 2.0)
    topic: float = 0.44  # the cosine with the profile's closest topic (vectors.profile_topics)
    lexical_topic: float = 0.30  # the n-grams against the profile's closest topic
    keyword: float = 0.053  # was 0.08
    # The classifier's top category times its confidence: the category's choice, and the
    # teams' ranking when the classifier gives no probabilities (was the only team vote).
    classifier: float = 0.06
    classifier_log: float = 0.023  # log of its probability for each team's categories (0.024)
    learned: float = 0.0  # the share of the embedding centroid once a team has many lessons
    neighbour: float = 0.0  # the share of the nearest lesson once a team has many
    learned_half: float = 4.0  # lessons at which those two shares are half theirs
    learned_lexical: float = 0.96  # n-grams against its lessons' centroid (0.46 at T 0.06)
    lexical_half: float = 10.0  # lessons at which that weight is half its value
    temperature: float = 0.093  # the same fit's (was 0.06, chosen by calibration error)
    shortlist_ratio: float = 0.5  # teams within this share of the top probability
    shortlist_size: int = 3


@dataclass(frozen=True)
class RankedTeam:
    team_id: str
    name: str
    similarity: float
    score: float
    probability: float
    topic: str = ""  # the profile's topic closest to the ticket: what it matched

    def document(self) -> dict:
        return {
            "team_id": self.team_id,
            "name": self.name,
            "similarity": round(self.similarity, 4),
            "probability": round(self.probability, 4),
            "topic": self.topic,
        }

    def label(self) -> str:
        topic = self.topic if len(self.topic) <= TOPIC_SHOWN else self.topic[: TOPIC_SHOWN - 3]
        closest = f" ({topic}...)" if topic != self.topic else f" ({topic})" if topic else ""
        return f"{self.name} {self.similarity:.2f}{closest}"


TOPIC_SHOWN = 60  # characters of the closest topic in the rationale


@dataclass(frozen=True)
class TriageResult:
    provider: str
    category: str
    confidence: float
    threshold: float
    teams: tuple[RankedTeam, ...] = ()
    shortlist_ids: tuple[str, ...] = ()
    signals: Signals = field(default_factory=Signals)

    @property
    def needs_triage(self) -> bool:
        return not self.teams or self.confidence < self.threshold

    def document(self) -> dict:
        return {
            "provider": self.provider,
            "category": self.category,
            "confidence": round(self.confidence, 4),
            "threshold": self.threshold,
            "needs_triage": self.needs_triage,
            "teams": [team.document() for team in self.teams[:5]],
            "shortlist": list(self.shortlist_ids),
            "keyword_category": self.signals.keyword_category,
            "classifier_category": self.signals.classifier_category,
        }

    def summary(self) -> str:
        """One sentence for the decision's rationale."""
        top = ", ".join(team.label() for team in self.teams[:3])
        text = f"Triage ({self.provider}) ranked {top}; confidence {self.confidence:.2f}"
        if self.needs_triage:
            text += f", below {self.threshold:.2f}: needs triage"
        return text + "."


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    shifted = (scores - scores.max()) / max(temperature, 1e-6)
    weights = np.exp(shifted)
    return weights / weights.sum()


def topic_similarities(vector: np.ndarray, teams: list[TeamVector]) -> np.ndarray:
    """Each team's cosine with its closest topic; a team without topics, its profile's."""
    return np.array([_closest_topic(vector, team)[0] for team in teams])


def _closest_topic(vector: np.ndarray, team: TeamVector) -> tuple[float, str]:
    if team.topics is None or not len(team.topics):
        return float(team.profile @ vector), ""
    cosines = team.topics @ vector
    best = int(cosines.argmax())
    name = team.topic_names[best] if best < len(team.topic_names) else ""
    return float(cosines[best]), name


def semantic_similarity(vector: np.ndarray, team: TeamVector, weights: BlendWeights) -> float:
    similarity = float(team.profile @ vector)
    if team.learned_count and team.learned is not None:
        share = team.learned_count / (team.learned_count + weights.learned_half)
        learned = float(team.learned @ vector)
        similarity += share * weights.learned * (learned - similarity)
        if team.neighbours is not None and len(team.neighbours):
            nearest = float((team.neighbours @ vector).max())
            similarity += share * weights.neighbour * (nearest - similarity)
    return similarity


PROBABILITY_FLOOR = 1e-4  # one category the classifier rules out cannot veto a team alone


def classifier_log_votes(teams: list[TeamVector], signals: Signals) -> np.ndarray:
    """Each team's log of the classifier's probability for the likeliest category it lists.
    A team that lists none of the classifier's categories gets the uniform probability: the
    classifier knows nothing of it, for or against."""
    known = {category.lower(): p for category, p in signals.classifier_probabilities}
    uniform = 1.0 / max(len(known), 1)
    votes = []
    for team in teams:
        listed = [known[c.lower()] for c in team.capabilities if c.lower() in known]
        votes.append(max(listed, default=uniform))
    return np.log(np.maximum(votes, PROBABILITY_FLOOR))


def rank_teams(
    vector: np.ndarray,
    teams: list[TeamVector],
    signals: Signals,
    weights: BlendWeights,
    *,
    lexical: np.ndarray | None = None,
    learned_lexical: np.ndarray | None = None,
    lesson_counts: np.ndarray | None = None,
    use_semantic: bool = True,
    learned_scores: np.ndarray | None = None,
    lexical_topics: np.ndarray | None = None,
) -> list[RankedTeam]:
    """Every team, best first (ties by name). ``lexical``: the ticket's character n-gram
    similarity with each team's profile, in the order of ``teams``; ``lexical_topics`` with
    its closest topic; ``learned_lexical`` with
    the centroid of each team's lessons, weighted by how many it has (``lesson_counts``).
    ``use_semantic`` False ranks on the keyword and classifier signals alone (the
    evaluation's baselines). ``learned_scores``: a history model's scores, in the same order,
    added as they are (the evaluation's comparison of learners, routing.semantic.history_models)."""
    if not teams:
        return []
    similarities = np.array(
        [semantic_similarity(vector, team, weights) if use_semantic else 0.0 for team in teams]
    )
    scores = similarities.copy()
    closest = [_closest_topic(vector, team) if use_semantic else (0.0, "") for team in teams]
    if use_semantic and weights.topic:
        scores += weights.topic * np.array([cosine for cosine, _ in closest])
    if lexical is not None and use_semantic:
        scores += weights.lexical * lexical
    if lexical_topics is not None and use_semantic:
        scores += weights.lexical_topic * lexical_topics
    if learned_lexical is not None and lesson_counts is not None and use_semantic:
        share = lesson_counts / (lesson_counts + weights.lexical_half)
        scores += weights.learned_lexical * share * learned_lexical
    if learned_scores is not None and use_semantic:
        scores += learned_scores
    voted = bool(signals.classifier_probabilities) and weights.classifier_log > 0
    if voted:
        scores += weights.classifier_log * classifier_log_votes(teams, signals)
    for index, team in enumerate(teams):
        capabilities = {c.lower() for c in team.capabilities}
        if signals.keyword_category and signals.keyword_category in capabilities:
            scores[index] += weights.keyword
        if voted:
            continue
        if signals.classifier_category and signals.classifier_category in capabilities:
            scores[index] += weights.classifier * signals.classifier_confidence
    probabilities = _softmax(scores, weights.temperature)
    ranked = [
        RankedTeam(team.team_id, team.name, float(sim), float(score), float(p), topic)
        for team, sim, score, p, (_, topic) in zip(
            teams, similarities, scores, probabilities, closest, strict=True
        )
    ]
    ranked.sort(key=lambda r: (-r.score, r.name, r.team_id))
    return ranked


def shortlist(ranked: list[RankedTeam], weights: BlendWeights) -> tuple[str, ...]:
    """The teams triage says can do the work: those close enough to the best."""
    if not ranked:
        return ()
    floor = ranked[0].probability * weights.shortlist_ratio
    close = [r.team_id for r in ranked if r.probability >= floor]
    return tuple(close[: weights.shortlist_size])


def choose_category(
    vector: np.ndarray,
    categories: dict[str, np.ndarray],
    signals: Signals,
    top_team: TeamVector | None,
    weights: BlendWeights,
) -> str:
    """The category: the learned classifier's when it is confident (trained on this desk's
    own categories); else the best of the category profiles, the keyword map's and the
    classifier's guesses, each helped when the top team lists it; without any of those, the
    top team's first capability."""
    if signals.classifier_trusted and signals.classifier_category:
        return signals.classifier_category
    listed = [c.lower() for c in top_team.capabilities] if top_team else []
    candidates = set(categories) | {signals.keyword_category, signals.classifier_category}
    candidates |= set(listed[:1])
    candidates.discard("")
    if not candidates:
        return ""

    def score(category: str) -> float:
        value = float(categories[category] @ vector) if category in categories else 0.0
        value += weights.keyword * (category == signals.keyword_category)
        value += (
            weights.classifier
            * signals.classifier_confidence
            * (category == signals.classifier_category)
        )
        return value + 2 * weights.keyword * (category in listed)

    return min(candidates, key=lambda category: (-score(category), category))


def triage(
    *,
    vector: np.ndarray,
    teams: list[TeamVector],
    categories: dict[str, np.ndarray],
    signals: Signals,
    weights: BlendWeights,
    threshold: float,
    provider: str,
    lexical: np.ndarray | None = None,
    learned_lexical: np.ndarray | None = None,
    lesson_counts: np.ndarray | None = None,
    lexical_topics: np.ndarray | None = None,
) -> TriageResult:
    ranked = rank_teams(
        vector,
        teams,
        signals,
        weights,
        lexical=lexical,
        learned_lexical=learned_lexical,
        lesson_counts=lesson_counts,
        lexical_topics=lexical_topics,
    )
    by_id = {team.team_id: team for team in teams}
    top = by_id[ranked[0].team_id] if ranked else None
    return TriageResult(
        provider=provider,
        category=choose_category(vector, categories, signals, top, weights),
        confidence=ranked[0].probability if ranked else 0.0,
        threshold=threshold,
        teams=tuple(ranked),
        shortlist_ids=shortlist(ranked, weights),
        signals=signals,
    )
