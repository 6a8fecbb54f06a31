"""kb.text.cosine_scores gives the scores TfidfIndex.search gives (the repeat search of a wave
scores many small corpora without fitting a vectoriser each time): on random corpora of the
same few words (stemmed forms, stop words, empty texts), the same hits in the same order with
the same rounded scores."""

import random

from kb.text import Document, TermCounts, TfidfIndex, cosine_scores

WORDS = [
    "printer",
    "jams",
    "floor",
    "vpn",
    "password",
    "update",
    "laptop",
    "screen",
    "broken",
    "the",
    "a",
    "of",
    "network",
    "slow",
    "email",
    "outlook",
    "crash",
    "printing",
    "printed",
    "locked",
    "lock",
    "jamming",
]


def test_the_scores_are_the_fitted_index_scores():
    rng = random.Random(18)
    counts = TermCounts()
    compared = 0
    for _ in range(400):
        documents = [
            Document(
                n,
                " ".join(rng.choices(WORDS, k=rng.randint(0, 6))),
                " ".join(rng.choices(WORDS, k=rng.randint(0, 20))),
            )
            for n in range(rng.randint(1, 12))
        ]
        query = " ".join(rng.choices(WORDS, k=rng.randint(0, 10)))

        scores = cosine_scores(documents, query, counts=counts)

        hits = TfidfIndex(documents).search(query, limit=100, min_score=0.0)
        ranked = sorted((n for n, s in enumerate(scores) if s > 0), key=lambda n: (-scores[n], n))
        assert [(n, round(scores[n], 4)) for n in ranked] == [(h.id, h.score) for h in hits]
        compared += len(hits)
    assert compared > 1000  # the corpora do match: most comparisons are of real hits
