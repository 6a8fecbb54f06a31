"""The weights of history in the blend, fitted on the history alone (``manage.py
eval_semantic_triage --cv`` prints them; blend.BlendWeights holds the labelled set's).

A conditional logit over the teams: P(team | ticket) is the softmax of the blend's score
before history (profiles and keyword map, a fixed offset at the blend's temperature) plus
``beta . features``, the features being the evidence of the lessons, each computed without the
ticket it scores: the log of the learned classifier's probability for the team's category
(cross-fitted: the classifier of the other folds) and the cosine with the n-gram centroid of
the team's other lessons (as the blend weighs it, ``n / (n + lexical_half)``). Fitting beta by
maximum likelihood weighs what the lessons add *given* what the profiles already say, so
evidence the profiles carry is not counted twice. Non-negative: more likeness to a team's
lessons is never evidence against it."""

import numpy as np
from scipy.optimize import minimize
from sklearn.model_selection import StratifiedKFold

from routing import triage
from routing.semantic import blend, service
from routing.semantic import evaluation as ev
from routing.semantic.lexical import Lexicon, ticket_text

FOLDS = 5
REPEATS = 40  # one fit moves with its folds (centroid 0.18-0.64 on 165 lessons)
RIDGE = 1e-3  # only keeps the optimum finite when a feature separates the lessons


def fit(*, teams, history, provider, keyword_map, weights, seed: int = 0) -> dict[str, float]:
    """``classifier_log`` and ``learned_lexical`` in the blend's units (score per unit)."""
    slugs = [spec["slug"] for spec in teams]
    truth = np.array([slugs.index(t.team) for t in history])
    words = ev.lexicon(teams, history)
    offset = _prior(teams, history, provider, keyword_map, weights, words) / weights.temperature
    centroids = _centroids(history, truth, words, len(teams), weights.lexical_half)
    fits = []
    for repeat in range(REPEATS):
        logs = _classifier_logs(teams, history, truth, seed + repeat)
        fits.append(_conditional_logit(offset, np.stack([logs, centroids], axis=2), truth))
    beta = np.mean(fits, axis=0)
    return {
        "classifier_log": float(weights.temperature * beta[0]),
        "learned_lexical": float(weights.temperature * beta[1]),
    }


PROFILE_FEATURES = ("similarity", "topic", "lexical", "lexical_topic", "keyword")


def fit_profiles(*, teams, history, provider, keyword_map) -> dict[str, float]:
    """The profile's weights and the temperature, fitted before any history on the history
    half: a conditional logit over what the profiles say of each ticket (its cosine with the
    profile and with the closest topic, the n-grams against both, the keyword map's vote).
    The weights come out in logit units; divided by the profile cosine's they are the blend's
    (which counts that cosine once), and its inverse is the temperature."""
    slugs = [spec["slug"] for spec in teams]
    truth = np.array([slugs.index(t.team) for t in history])
    words = ev.lexicon(teams)
    vectors = ev.team_vectors(teams, provider)
    features = np.stack(
        [_profile_features(t, vectors, words, keyword_map, provider) for t in history]
    )
    beta = _conditional_logit(np.zeros(features.shape[:2]), features, truth)
    unit = beta[0] or 1.0
    found = {name: float(b / unit) for name, b in zip(PROFILE_FEATURES[1:], beta[1:], strict=True)}
    return {**found, "temperature": float(1 / unit)}


def _profile_features(ticket, vectors, words: Lexicon, keyword_map, provider) -> np.ndarray:
    vector = service.ticket_vector(ticket.title, ticket.description, provider)
    lexical = words.scores(ticket.title, ticket.description)
    keyword = triage.guess_category(ticket.title, ticket.description, keyword_map)
    voted = [float(bool(keyword) and keyword in team.capabilities) for team in vectors]
    similarity = np.array([float(team.profile @ vector) for team in vectors])
    topics = blend.topic_similarities(vector, vectors)
    return np.stack([similarity, topics, lexical.profile, lexical.topics, voted], axis=1)


def _prior(teams, history, provider, keyword_map, weights, words: Lexicon) -> np.ndarray:
    """The blend's scores before any history: the profiles and the keyword map."""
    before = ev.team_vectors(teams, provider)
    rows = []
    for ticket in history:
        keyword = triage.guess_category(ticket.title, ticket.description, keyword_map)
        vector = service.ticket_vector(ticket.title, ticket.description, provider)
        lexical = words.scores(ticket.title, ticket.description)
        signals = blend.Signals(keyword_category=keyword)
        ranked = blend.rank_teams(
            vector,
            before,
            signals,
            weights,
            lexical=lexical.profile,
            lexical_topics=lexical.topics,
        )
        by_id = {r.team_id: r.score for r in ranked}
        rows.append([by_id[spec["slug"]] for spec in teams])
    return np.array(rows)


def _classifier_logs(teams, history, truth: np.ndarray, seed: int) -> np.ndarray:
    """Each lesson's log-probabilities by team, from a classifier that never saw it."""
    logs = np.zeros((len(history), len(teams)))
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=seed)
    for taught, held in folds.split(np.zeros(len(truth)), truth):
        model = ev.train_classifier([history[i] for i in taught])
        for row in held:
            _, _, by_class = ev.classifier_guess(model, history[row])
            signals = blend.Signals(classifier_probabilities=tuple(by_class.items()))
            vectors = [_capabilities(spec) for spec in teams]
            logs[row] = blend.classifier_log_votes(vectors, signals)
    return logs


def _capabilities(spec: dict) -> blend.TeamVector:
    listed = (spec["category"], *spec["capabilities"])
    return blend.TeamVector(spec["slug"], spec["name"], tuple(c.lower() for c in listed), None)


def _centroids(history, truth: np.ndarray, words: Lexicon, size: int, half: float) -> np.ndarray:
    """Each lesson's cosine with each team's n-gram centroid, itself left out of its own."""
    rows = words.transform([ticket_text(t.title, t.description) for t in history])
    gram = (rows @ rows.T).toarray()
    found = np.zeros((len(history), size))
    for team in range(size):
        members = np.flatnonzero(truth == team)
        if not len(members):
            continue
        sums = gram[:, members].sum(axis=1)
        norm2 = np.full(len(history), gram[np.ix_(members, members)].sum())
        counts = np.full(len(history), float(len(members)))
        own = truth == team  # without itself: remove its row from the sum and the norm
        sums[own] -= gram[own, own]
        norm2[own] += -2 * gram[np.ix_(own, members)].sum(axis=1) + gram[own, own]
        counts[own] -= 1
        cosine = sums / np.sqrt(np.maximum(norm2, 1e-12))
        # A lesson alone in its team has no centroid left: no evidence (and no 0 / 0).
        share = np.divide(counts, counts + half, out=np.zeros_like(counts), where=counts > 0)
        found[:, team] = cosine * share
    return found


def _conditional_logit(offset: np.ndarray, features: np.ndarray, truth: np.ndarray) -> np.ndarray:
    rows = np.arange(len(truth))

    def loss(beta: np.ndarray) -> tuple[float, np.ndarray]:
        scores = offset + features @ beta
        scores -= scores.max(axis=1, keepdims=True)
        total = np.log(np.exp(scores).sum(axis=1))
        chances = np.exp(scores - total[:, None])
        value = -(scores[rows, truth] - total).sum() + 0.5 * RIDGE * beta @ beta
        expected = np.einsum("qt,qtk->qk", chances, features)
        gradient = -(features[rows, truth] - expected).sum(axis=0) + RIDGE * beta
        return float(value), gradient

    start = np.zeros(features.shape[2])
    bounds = [(0.0, None)] * len(start)
    return minimize(loss, start, jac=True, bounds=bounds, method="L-BFGS-B").x
