"""Cross-validation of the blend's history weights and of the history models
(routing.semantic.history_models) inside the history half of the labelled set only: the
evaluated half is never seen. The history half is split in two (stratified by team), each half
in turn history and evaluated, with several seeds (one split of 82 tickets moves by 1.2
points a ticket: a single split cannot tell two designs apart)."""

from dataclasses import replace
from functools import partial

import numpy as np

from routing.semantic.evaluation import LabelledTicket, calibration, evaluate, split
from routing.semantic.history_models import LessonRidge, NeighbourVote, PassiveAggressive

SEEDS = 5

# Weights compared with the configured ones (docs/triage.md).
CANDIDATES = {
    "profiles only (no history)": {"learned_lexical": 0.0},
    "no topics (until 2026-12-05)": {"topic": 0.0, "lexical_topic": 0.0},
    "no topics, the weights until 2026-12-05": {
        "topic": 0.0,
        "lexical_topic": 0.0,
        "lexical": 2.0,
        "keyword": 0.08,
        "temperature": 0.06,
        "learned_lexical": 0.46,
        "classifier_log": 0.024,
    },
    "n-grams of the profiles 1.0 (until 2026-12-04)": {"lexical": 1.0},
    "n-grams of the profiles 1.5": {"lexical": 1.5},
    "n-grams of the profiles 2.5": {"lexical": 2.5},
    "n-gram centroid, half at 4": {"lexical_half": 4.0},
    "n-gram centroid, half at 20": {"lexical_half": 20.0},
    "+ embedding centroid 0.3": {"learned": 0.3},
    "+ nearest lesson 0.3 (the earlier rule)": {"neighbour": 0.3},
    "nearest lesson alone (the earlier rule)": {"learned_lexical": 0.0, "neighbour": 0.3},
    "temperature 0.04": {"temperature": 0.04},
    "temperature 0.08": {"temperature": 0.08},
}

# History models added to the configured blend (centroid included): name -> factory.
LEARNERS = {
    "+ passive-aggressive, margin 0.1": partial(PassiveAggressive, margin=0.1),
    "+ passive-aggressive, margin 0.15": partial(PassiveAggressive, margin=0.15),
    "+ passive-aggressive on n-grams only": partial(
        PassiveAggressive, margin=0.1, embedding_weight=0.0
    ),
    "+ 5-nearest-lesson vote 0.05": lambda size: Scaled(NeighbourVote(size, k=5), 0.05),
    "+ 7-nearest-lesson vote 0.15": lambda size: Scaled(NeighbourVote(size, k=7), 0.15),
    "+ kernel ridge over the lessons 0.1": partial(LessonRidge, weight=0.1),
    "+ kernel ridge over the lessons 0.2": partial(LessonRidge, weight=0.2),
    "+ kernel ridge on n-grams only 0.1": partial(
        LessonRidge, weight=0.1, ridge=0.5, embedding_weight=0.0
    ),
}


class Scaled:
    """A history model whose scores count ``weight`` times."""

    def __init__(self, model, weight: float) -> None:
        self.model, self.weight = model, weight

    def learn(self, reading, team_index: int, prior: np.ndarray) -> bool:
        return self.model.learn(reading, team_index, prior)

    def scores(self, reading) -> np.ndarray:
        return self.weight * self.model.scores(reading)


def folds(history: list[LabelledTicket], seed: int, seeds: int | None = None):
    for offset in range(SEEDS if seeds is None else seeds):
        first, second = split(history, seed + offset)
        yield first, second
        yield second, first


def cross_validate(
    *,
    teams,
    history: list[LabelledTicket],
    provider,
    keyword_map,
    weights,
    seed: int,
    seeds: int | None = None,
) -> list[tuple[str, float, float, float]]:
    """The blend's mean top-1, top-3 and expected calibration error over the folds, for the
    configured weights, each candidate change to them, and each history model added."""
    pairs = list(folds(history, seed, seeds))
    tried = [("configured", weights, None)]
    tried += [(name, replace(weights, **change), None) for name, change in CANDIDATES.items()]
    tried += [(name, weights, factory) for name, factory in LEARNERS.items()]
    rows = []
    for name, candidate, learner in tried:
        runs = [
            evaluate(
                teams=teams,
                tickets=evaluated,
                provider=provider,
                keyword_map=keyword_map,
                weights=candidate,
                history=past,
                learner=learner,
            )["blend"]
            for past, evaluated in pairs
        ]
        rows.append(
            (
                name,
                float(np.mean([r.top1_rate for r in runs])),
                float(np.mean([r.top3_rate for r in runs])),
                float(np.mean([calibration(r)[0] for r in runs])),
            )
        )
    return rows
