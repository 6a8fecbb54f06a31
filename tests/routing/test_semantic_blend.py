"""The pure blend: similarities, signals, the softmax confidence, the shortlist, the category."""

from dataclasses import replace

import numpy as np

from routing.semantic import blend

WEIGHTS = blend.BlendWeights()


def axis(i: int, dim: int = 4) -> np.ndarray:
    vector = np.zeros(dim, dtype=np.float32)
    vector[i] = 1.0
    return vector


def teams() -> list[blend.TeamVector]:
    return [
        blend.TeamVector("n", "Network", ("network", "vpn"), axis(0)),
        blend.TeamVector("p", "Print", ("printer",), axis(1)),
        blend.TeamVector("s", "Security", ("security",), axis(2)),
    ]


def test_the_most_similar_team_ranks_first_with_a_confident_probability():
    ranked = blend.rank_teams(axis(0), teams(), blend.Signals(), WEIGHTS)
    assert [r.team_id for r in ranked] == ["n", "p", "s"]
    assert ranked[0].similarity == 1.0
    assert ranked[0].probability > 0.99
    assert np.isclose(sum(r.probability for r in ranked), 1.0)


def test_keyword_and_classifier_signals_move_a_close_call():
    vector = (axis(0) * 0.70 + axis(1) * 0.72) / np.linalg.norm([0.70, 0.72])
    plain = blend.rank_teams(vector, teams(), blend.Signals(), WEIGHTS)
    assert plain[0].team_id == "p"
    helped = blend.rank_teams(vector, teams(), blend.Signals(keyword_category="vpn"), WEIGHTS)
    assert helped[0].team_id == "n"
    learned = blend.Signals(classifier_category="network", classifier_confidence=0.9)
    assert blend.rank_teams(vector, teams(), learned, WEIGHTS)[0].team_id == "n"


def test_lessons_pull_a_team_towards_the_tickets_it_resolved():
    vector = axis(3)
    taught = teams()
    taught[2] = blend.TeamVector(
        "s", "Security", ("security",), axis(2), learned=axis(3), learned_count=20,
        neighbours=np.vstack([axis(3)]),
    )  # fmt: skip
    # The embedding's lesson rules are off by default (the n-gram centroid of the lessons
    # does the learning, docs/triage.md); turned on, they pull the team too.
    on = replace(WEIGHTS, learned=0.3, neighbour=0.3)
    assert blend.rank_teams(vector, teams(), blend.Signals(), on)[0].team_id == "n"
    assert blend.rank_teams(vector, taught, blend.Signals(), on)[0].team_id == "s"
    assert blend.rank_teams(vector, taught, blend.Signals(), WEIGHTS)[0].team_id == "n"


def test_an_ambiguous_ticket_has_low_confidence_and_needs_triage():
    vector = np.ones(4, dtype=np.float32) / 2
    result = blend.triage(
        vector=vector, teams=teams(), categories={}, signals=blend.Signals(), weights=WEIGHTS,
        threshold=0.5, provider="test",
    )  # fmt: skip
    assert result.confidence < 0.5
    assert result.needs_triage
    assert len(result.shortlist_ids) == 3  # all equally able: scoring decides among them
    assert "needs triage" in result.summary()


def test_a_clear_ticket_shortlists_one_team_and_names_it_in_the_summary():
    result = blend.triage(
        vector=axis(1), teams=teams(), categories={}, signals=blend.Signals(), weights=WEIGHTS,
        threshold=0.5, provider="test",
    )  # fmt: skip
    assert result.shortlist_ids == ("p",)
    assert not result.needs_triage
    assert result.category == "printer"  # the top team's first capability
    assert result.summary().startswith("Triage (test) ranked Print 1.00")
    document = result.document()
    assert document["teams"][0] == {
        "team_id": "p", "name": "Print", "similarity": 1.0,
        "probability": round(result.confidence, 4), "topic": "",  # it lists no topics
    }  # fmt: skip


def test_the_category_comes_from_category_profiles_when_there_are_some():
    categories = {"toner": axis(1), "phishing": axis(2)}
    result = blend.triage(
        vector=axis(1), teams=teams(), categories=categories, signals=blend.Signals(),
        weights=WEIGHTS, threshold=0.5, provider="test",
    )  # fmt: skip
    assert result.category == "toner"


def test_no_team_means_no_confidence():
    result = blend.triage(
        vector=axis(0), teams=[], categories={}, signals=blend.Signals(), weights=WEIGHTS,
        threshold=0.5, provider="test",
    )  # fmt: skip
    assert result.confidence == 0.0 and result.needs_triage and result.teams == ()


def test_a_confident_classifier_moves_the_ranking_and_an_unsure_one_does_not():
    # The profiles lean to printing by 0.05 in cosine (0.07 in score: the profile and, these
    # teams listing no topics, the topic weight); the classifier is sure it is network. Its
    # vote counts as the log of its probability (a product of experts with the softmax); as
    # a linear 0.06 x confidence (the vote before) it was worth at most 0.06 and lost; now 0.11.
    vector = (axis(0) * 0.69 + axis(1) * 0.74) / np.linalg.norm([0.69, 0.74])
    sure = (("network", 0.98), ("printer", 0.01), ("security", 0.01))
    voted = blend.Signals(classifier_category="network", classifier_confidence=0.98)
    linear = replace(WEIGHTS, classifier_log=0.0)
    assert blend.rank_teams(vector, teams(), voted, linear)[0].team_id == "p"
    assert blend.rank_teams(vector, teams(), replace(voted, classifier_probabilities=sure),
                            WEIGHTS)[0].team_id == "n"  # fmt: skip
    flat = (("network", 0.34), ("printer", 0.33), ("security", 0.33))
    unsure = blend.Signals(classifier_category="network", classifier_confidence=0.34,
                           classifier_probabilities=flat)  # fmt: skip
    plain = blend.rank_teams(vector, teams(), blend.Signals(), WEIGHTS)
    ranked = blend.rank_teams(vector, teams(), unsure, WEIGHTS)
    assert [r.team_id for r in ranked] == [r.team_id for r in plain]
    assert abs(ranked[0].score - ranked[1].score - (plain[0].score - plain[1].score)) < 0.01


def test_a_team_the_classifier_does_not_know_is_neither_helped_nor_ruled_out():
    known = (("network", 0.5), ("printer", 0.5))  # no security among its classes
    signals = blend.Signals(classifier_probabilities=known)
    votes = blend.classifier_log_votes(teams(), signals)
    assert np.allclose(votes, np.log([0.5, 0.5, 0.5]))  # uniform over what it knows
    # a category it rules out costs a bounded amount, not an infinite one
    floor = blend.classifier_log_votes(
        teams(), blend.Signals(classifier_probabilities=(("network", 1.0), ("printer", 0.0)))
    )
    assert np.isfinite(floor).all() and floor[1] == np.log(blend.PROBABILITY_FLOOR)
