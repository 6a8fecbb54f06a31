"""The weights of history fitted on the history alone (routing.semantic.stacking)."""

import numpy as np

from routing.semantic import stacking
from routing.semantic.evaluation import LabelledTicket
from routing.semantic.lexical import Lexicon, ticket_text


def test_the_logit_weighs_evidence_the_offset_lacks_and_ignores_noise():
    rng = np.random.default_rng(7)
    truth = rng.integers(0, 3, 300)
    offset = rng.normal(0, 1, (300, 3))  # the profiles: know nothing here
    telling = np.eye(3)[truth] + rng.normal(0, 0.5, (300, 3))  # points at the right team
    noise = rng.normal(0, 1, (300, 3))
    beta = stacking._conditional_logit(offset, np.stack([telling, noise], axis=2), truth)
    assert beta[0] > 1.0 and beta[1] < 0.3 * beta[0]


def test_what_the_offset_already_says_is_not_counted_twice():
    rng = np.random.default_rng(3)
    truth = rng.integers(0, 3, 300)
    evidence = 3 * np.eye(3)[truth] + rng.normal(0, 1, (300, 3))
    alone = stacking._conditional_logit(np.zeros((300, 3)), evidence[:, :, None], truth)
    # the profiles already read that evidence at its best weight: nothing is left for it
    given = stacking._conditional_logit(alone[0] * evidence, evidence[:, :, None], truth)
    assert given[0] < 0.05 * alone[0]


def test_a_lessons_centroid_feature_leaves_the_lesson_out():
    tickets = [
        LabelledTicket("generic", "a", "x", "VPN drops", "vpn tunnel drops at home"),
        LabelledTicket("generic", "a", "x", "Wifi slow", "wireless slow on floor 3"),
        LabelledTicket("generic", "b", "y", "Toner empty", "printer toner is empty"),
    ]
    words = Lexicon(["network vpn wifi", "printer toner"])
    truth = np.array([0, 0, 1])
    found = stacking._centroids(tickets, truth, words, 2, half=0.0)
    rows = words.transform([ticket_text(t.title, t.description) for t in tickets])
    other = rows[1] / np.sqrt(rows[1].multiply(rows[1]).sum())
    assert np.isclose(found[0, 0], (rows[0] @ other.T).toarray()[0, 0])  # the other lesson
    assert found[2, 1] == 0.0  # team b's only lesson: nothing left to compare with
