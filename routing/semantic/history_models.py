"""Discriminative learners over the lessons, compared with the n-gram centroid by the
evaluation's cross-validation (``manage.py eval_semantic_triage --cv``; docs/benchmarks.md).
Routing does not use them: on the labelled set none beat the centroid (they are kept so the
comparison can be run again on a desk's own, larger history).

All learn incrementally, as a real installation would: each lesson once, in the order the
tickets were resolved or transferred, with no retraining pass. A ticket is read as the pair
(its unit embedding, its unit row of hashed n-grams); two tickets' similarity is the weighted
sum of the two cosines."""

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class Reading:
    vector: np.ndarray  # unit embedding
    row: sp.csr_matrix  # 1 x features, unit n-gram row


@dataclass
class PassiveAggressive:
    """Multi-class passive-aggressive learner (Crammer et al. 2006, PA-I) in its dual form:
    a lesson the blend already ranks right by ``margin`` teaches nothing; one it ranks wrong
    (against ``prior``, what triage read before any history) pushes its team up and the
    team that beat it down, just enough to fix it (at most ``aggressiveness``). The stored
    lessons with their two coefficients are the model; a ticket's scores are a sum over them."""

    size: int
    margin: float = 0.1
    aggressiveness: float = 1.0
    embedding_weight: float = 1.0
    ngram_weight: float = 1.0
    vectors: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    coefficients: list = field(default_factory=list)  # one (size,) array per stored lesson

    def similarities(self, reading: Reading) -> np.ndarray:
        if not self.vectors:
            return np.zeros(0)
        embedded = np.vstack(self.vectors) @ reading.vector
        grams = np.asarray((sp.vstack(self.rows) @ reading.row.T).todense()).ravel()
        return self.embedding_weight * embedded + self.ngram_weight * grams

    def scores(self, reading: Reading) -> np.ndarray:
        if not self.coefficients:
            return np.zeros(self.size)
        return self.similarities(reading) @ np.vstack(self.coefficients)

    def learn(self, reading: Reading, team_index: int, prior: np.ndarray) -> bool:
        """One lesson; True when it changed the model."""
        scores = prior + self.scores(reading)
        rivals = scores.copy()
        rivals[team_index] = -np.inf
        rival = int(rivals.argmax())
        loss = self.margin - (scores[team_index] - scores[rival])
        if loss <= 0:
            return False
        norm = self.embedding_weight * float(reading.vector @ reading.vector)
        norm += self.ngram_weight * float(reading.row.multiply(reading.row).sum())
        step = min(self.aggressiveness, loss / (2 * norm)) if norm else 0.0
        coefficient = np.zeros(self.size)
        coefficient[team_index], coefficient[rival] = step, -step
        self.vectors.append(reading.vector)
        self.rows.append(reading.row)
        self.coefficients.append(coefficient)
        return True


@dataclass
class NeighbourVote:
    """The ``k`` most similar lessons vote for their teams, each with its similarity."""

    size: int
    k: int = 5
    embedding_weight: float = 1.0
    ngram_weight: float = 1.0
    vectors: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    teams: list = field(default_factory=list)

    def learn(self, reading: Reading, team_index: int, prior: np.ndarray | None = None) -> bool:
        self.vectors.append(reading.vector)
        self.rows.append(reading.row)
        self.teams.append(team_index)
        return True

    def scores(self, reading: Reading) -> np.ndarray:
        votes = np.zeros(self.size)
        if not self.vectors:
            return votes
        embedded = np.vstack(self.vectors) @ reading.vector
        grams = np.asarray((sp.vstack(self.rows) @ reading.row.T).todense()).ravel()
        similarity = self.embedding_weight * embedded + self.ngram_weight * grams
        similarity /= self.embedding_weight + self.ngram_weight
        for index in np.argsort(-similarity)[: self.k]:
            votes[self.teams[index]] += similarity[index]
        return votes


@dataclass
class LessonRidge:
    """One-vs-rest kernel ridge regression over the lessons: each team's indicator (1 for its
    own lessons, 0 for the others') fitted on the lessons' similarities, so a team is pulled
    towards its lessons and away from the lessons of the teams it is confused with. The
    similarity of two tickets is the weighted sum of their embedding and n-gram cosines.

    Exactly incremental: each lesson grows the inverse of the regularised similarity matrix by
    one row and column (block inverse, O(n^2)) and updates the dual coefficients; the model is
    the same whatever order the lessons came in, and the same as a fit on all of them at once."""

    size: int
    weight: float = 0.3
    ridge: float = 1.0
    embedding_weight: float = 1.0
    ngram_weight: float = 1.0
    residual: float = 0.0  # >0: fit what the prior's softmax at this temperature got wrong
    vectors: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    teams: list = field(default_factory=list)
    inverse: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    dual: np.ndarray | None = None  # (lessons, size)

    def similarities(self, reading: Reading) -> np.ndarray:
        if not self.vectors:
            return np.zeros(0)
        embedded = np.vstack(self.vectors) @ reading.vector
        grams = np.asarray((sp.vstack(self.rows) @ reading.row.T).todense()).ravel()
        return self.embedding_weight * embedded + self.ngram_weight * grams

    def learn(self, reading: Reading, team_index: int, prior: np.ndarray | None = None) -> bool:
        column = self.similarities(reading)
        own = self.embedding_weight * float(reading.vector @ reading.vector)
        own += self.ngram_weight * float(reading.row.multiply(reading.row).sum())
        target = np.zeros(self.size)
        target[team_index] = 1.0
        if self.residual and prior is not None:
            shifted = np.exp((prior - prior.max()) / self.residual)
            target -= shifted / shifted.sum()
        dual = self.dual if self.dual is not None else np.zeros((0, self.size))
        projected = self.inverse @ column
        schur = own + self.ridge - float(column @ projected)
        error = (column @ dual - target) / schur
        grown = np.empty((len(column) + 1, len(column) + 1))
        grown[:-1, :-1] = self.inverse + np.outer(projected, projected) / schur
        grown[:-1, -1] = grown[-1, :-1] = -projected / schur
        grown[-1, -1] = 1.0 / schur
        self.inverse = grown
        self.dual = np.vstack([dual + np.outer(projected, error), -error])
        self.vectors.append(reading.vector)
        self.rows.append(reading.row)
        self.teams.append(team_index)
        return True

    def scores(self, reading: Reading) -> np.ndarray:
        if self.dual is None:
            return np.zeros(self.size)
        return self.weight * (self.similarities(reading) @ self.dual)
