"""The history models the evaluation's cross-validation compares with the n-gram centroid
(routing.semantic.history_models), on a tiny set, and the cross-validation itself on a small
labelled set: pure, no database."""

import numpy as np
import scipy.sparse as sp

from routing.semantic import blend, cross_validation
from routing.semantic.blend import BlendWeights
from routing.semantic.evaluation import LabelledTicket, split
from routing.semantic.history_models import (
    LessonRidge,
    NeighbourVote,
    PassiveAggressive,
    Reading,
)
from routing.semantic.providers import get_provider


def reading(i: int, j: int | None = None, dim: int = 4) -> Reading:
    """Axis ``i`` (and ``j``, halfway) in both the embedding and the n-gram space."""
    vector = np.zeros(dim)
    vector[i] = 1.0
    if j is not None:
        vector[j] = 1.0
    vector /= np.linalg.norm(vector)
    return Reading(vector, sp.csr_matrix(vector.reshape(1, -1)))


def test_a_lesson_ranked_wrong_teaches_its_team_and_against_the_one_that_won():
    model = PassiveAggressive(size=3, margin=0.1)
    prior = np.array([0.5, 0.2, 0.1])  # the profiles read team 0
    assert model.learn(reading(3), team_index=1, prior=prior)
    after = prior + model.scores(reading(3))
    assert after.argmax() == 1  # fixed on itself, by the margin
    assert np.isclose(after[1] - after[0], 0.1)
    assert model.scores(reading(3))[2] == 0  # a team it did not concern is left alone
    # A similar ticket moves the same way; an unrelated one does not move.
    assert model.scores(reading(3, 0))[1] > 0
    assert not model.scores(reading(2)).any()


def test_a_lesson_already_ranked_right_by_the_margin_teaches_nothing():
    model = PassiveAggressive(size=3, margin=0.1)
    assert not model.learn(reading(3), team_index=0, prior=np.array([0.5, 0.2, 0.1]))
    assert model.coefficients == []
    assert not model.scores(reading(3)).any()


def test_a_transfer_after_a_resolution_moves_the_ticket_to_its_final_team():
    """The same ticket taught again (it changed team) corrects what the first lesson did."""
    model = PassiveAggressive(size=2, margin=0.1)
    prior = np.array([0.3, 0.3])
    model.learn(reading(1), team_index=0, prior=prior)
    assert (prior + model.scores(reading(1))).argmax() == 0
    model.learn(reading(1), team_index=1, prior=prior)
    assert (prior + model.scores(reading(1))).argmax() == 1


def test_the_neighbour_vote_counts_the_k_most_similar_lessons():
    vote = NeighbourVote(size=3, k=2)
    for i, team in ((0, 0), (0, 0), (1, 2)):
        vote.learn(reading(i), team)
    scores = vote.scores(reading(0))
    assert scores.argmax() == 0
    assert np.isclose(scores[0], 2.0) and scores[2] == 0  # the third lesson is not among the two
    assert not NeighbourVote(size=3).scores(reading(0)).any()


def ridge_lessons() -> list[tuple[Reading, int]]:
    return [
        (reading(0), 0),
        (reading(0, 1), 0),
        (reading(2), 1),
        (reading(2, 3), 1),
        (reading(3), 2),
    ]


def regularised_kernel(model: LessonRidge, lessons: list[tuple[Reading, int]]) -> np.ndarray:
    """The lessons' similarity matrix plus the ridge, computed all at once."""
    vectors = np.vstack([r.vector for r, _ in lessons])
    rows = sp.vstack([r.row for r, _ in lessons])
    kernel = model.embedding_weight * vectors @ vectors.T
    kernel += model.ngram_weight * (rows @ rows.T).toarray()
    return kernel + model.ridge * np.eye(len(lessons))


def test_the_ridge_learns_each_lesson_incrementally_as_a_fit_on_all_of_them_would():
    model = LessonRidge(size=3, weight=1.0, ridge=0.5)
    lessons = ridge_lessons()
    for count, (lesson, team) in enumerate(lessons, start=1):
        assert model.learn(lesson, team)
        # After each lesson, exactly the batch solution of the lessons so far.
        matrix = regularised_kernel(model, lessons[:count])
        targets = np.eye(3)[[team for _, team in lessons[:count]]]
        assert np.allclose(model.inverse, np.linalg.inv(matrix))
        assert np.allclose(model.dual, np.linalg.solve(matrix, targets))


def test_the_ridge_is_the_same_whatever_order_the_lessons_came_in():
    forward, backward = LessonRidge(size=3), LessonRidge(size=3)
    for lesson, team in ridge_lessons():
        forward.learn(lesson, team)
    for lesson, team in reversed(ridge_lessons()):
        backward.learn(lesson, team)
    probe = reading(1, 2)
    assert np.allclose(forward.scores(probe), backward.scores(probe))


def test_a_ridge_lesson_pulls_its_team_and_nothing_before_any():
    model = LessonRidge(size=3, weight=1.0)
    assert not model.scores(reading(0)).any()
    model.learn(reading(0), 1)
    scores = model.scores(reading(0))
    assert scores.argmax() == 1 and scores[0] == scores[2] == 0
    model.learn(reading(0, 1), 2)  # a close lesson of another team pulls the shared part away
    assert model.scores(reading(1))[2] > model.scores(reading(1))[1]


def tiny_set() -> tuple[list[dict], list[LabelledTicket]]:
    words = {"network": ["vpn", "wifi", "dns"], "printing": ["printer", "toner", "paper"]}
    teams = [
        {
            "slug": slug,
            "name": slug.title(),
            "category": slug,
            "description": f"{slug} team: {' '.join(terms)}",
            "capabilities": terms,
            "examples": [f"{term} broken" for term in terms],
        }
        for slug, terms in words.items()
    ]
    tickets = [
        LabelledTicket("generic", slug, slug, f"{term} issue {n}", f"the {term} fails again")
        for slug, terms in words.items()
        for term in terms
        for n in range(4)
    ]
    return teams, tickets


def test_the_cross_validation_never_reads_the_evaluated_half_and_compares_the_learners():
    teams, tickets = tiny_set()
    history, evaluated = split(tickets, 7)
    pairs = list(cross_validation.folds(history, seed=7, seeds=2))
    assert len(pairs) == 4
    for past, held_out in pairs:
        assert not set(past) & set(held_out)
        assert set(past) | set(held_out) == set(history)
        assert not (set(past) | set(held_out)) & set(evaluated)
    rows = cross_validation.cross_validate(
        teams=teams,
        history=history,
        provider=get_provider("hashing"),
        keyword_map={},
        weights=BlendWeights(),
        seed=7,
        seeds=2,
    )
    names = [name for name, *_ in rows]
    assert names[0] == "configured"
    assert set(cross_validation.LEARNERS) <= set(names)
    assert all(0.5 <= top1 <= top3 <= 1 for _, top1, top3, _ in rows)


def test_a_history_models_scores_move_the_blends_ranking():
    teams = [
        blend.TeamVector("n", "Network", ("network",), np.array([1.0, 0.0])),
        blend.TeamVector("p", "Print", ("printer",), np.array([0.0, 1.0])),
    ]
    vector = np.array([0.8, 0.6])
    weights = BlendWeights()
    assert blend.rank_teams(vector, teams, blend.Signals(), weights)[0].team_id == "n"
    learned = np.array([0.0, 0.3])  # in the teams' order
    moved = blend.rank_teams(vector, teams, blend.Signals(), weights, learned_scores=learned)
    assert moved[0].team_id == "p"
