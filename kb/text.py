"""TF-IDF indexes over short documents (articles, resolved tickets) with scikit-learn: cosine
similarity, and why a document matched (the shared terms that weigh most). Pure: documents in,
ranked ids out; kb.search and kb.suggestions decide what goes in and cache the fitted index."""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize

_TOKEN = re.compile(r"[a-z0-9][a-z0-9+#]*")


def stem(word: str) -> str:
    """A light English stemmer: printers -> printer, printing -> print, locked -> lock."""
    for suffix in ("ing", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            root = word[: -len(suffix)]
            if suffix != "s" and root[-1] == root[-2] and root[-1] not in "lsz":
                root = root[:-1]  # jamming -> jam
            return root
    return word


def tokens(text: str) -> list[str]:
    """Lower-cased, stemmed words without English stop words."""
    return [
        stem(word)
        for word in _TOKEN.findall((text or "").lower())
        if word not in ENGLISH_STOP_WORDS and len(word) > 1
    ]


@dataclass(frozen=True)
class Document:
    id: object
    title: str
    body: str


@dataclass(frozen=True)
class Hit:
    id: object
    score: float
    terms: tuple[str, ...]

    @property
    def why(self) -> str:
        if not self.terms:
            return ""
        return "Shares " + ", ".join(f"'{term}'" for term in self.terms)


class TfidfIndex:
    """Title and body vectorised with one vocabulary; a document's vector is the weighted sum
    (title counts more, as PostgreSQL's weights A over B), L2-normalised, so a query's dot
    product with it is the cosine similarity."""

    def __init__(self, documents: Sequence[Document], *, title_weight=1.0, body_weight=0.4) -> None:
        self.ids = [document.id for document in documents]
        self.vectorizer = TfidfVectorizer(
            tokenizer=tokens, lowercase=False, token_pattern=None, sublinear_tf=True
        )
        self.matrix = None
        if not documents:
            return
        titles = [document.title for document in documents]
        bodies = [document.body for document in documents]
        try:
            self.vectorizer.fit(titles + bodies)
        except ValueError:  # nothing but stop words: an index that matches nothing
            return
        combined = title_weight * self.vectorizer.transform(titles)
        combined = combined + body_weight * self.vectorizer.transform(bodies)
        self.matrix = normalize(combined).tocsr()
        self.terms = self.vectorizer.get_feature_names_out()

    def __len__(self) -> int:
        return len(self.ids)

    def search(self, text: str, *, limit: int = 10, min_score: float = 0.0, why_terms=3):
        """The documents most similar to ``text``, best first (ties: index order)."""
        if self.matrix is None or not text.strip():
            return []
        query = self.vectorizer.transform([text])
        if query.nnz == 0:
            return []
        scores = (self.matrix @ query.T).toarray().ravel()
        candidates = np.flatnonzero(scores > min_score)
        if candidates.size == 0:
            return []
        order = candidates[np.lexsort((candidates, -scores[candidates]))][:limit]
        query_row = query.toarray().ravel()
        return [
            Hit(self.ids[i], round(float(scores[i]), 4), self._shared(i, query_row, why_terms))
            for i in order
        ]

    def _shared(self, row: int, query_row, how_many: int) -> tuple[str, ...]:
        document = self.matrix.getrow(row)
        weights = {
            int(column): value * query_row[column]
            for column, value in zip(document.indices, document.data, strict=True)
            if query_row[column] > 0
        }
        best = sorted(weights, key=lambda column: (-weights[column], self.terms[column]))
        return tuple(str(self.terms[column]) for column in best[:how_many])


class TermCounts:
    """Each text's term counts (``tokens``), computed once: a batch of repeat-contact searches
    meets the same candidates again and again, and fitting a vectoriser per search tokenises
    every document twice."""

    def __init__(self) -> None:
        self._counts: dict[str, dict[str, int]] = {}

    def __call__(self, text: str) -> dict[str, int]:
        counts = self._counts.get(text)
        if counts is None:
            counts = {}
            for term in tokens(text):
                counts[term] = counts.get(term, 0) + 1
            self._counts[text] = counts
        return counts


def cosine_scores(
    documents: Sequence[Document],
    text: str,
    *,
    counts: TermCounts,
    title_weight: float = 1.0,
    body_weight: float = 0.4,
) -> list[float]:
    """Each document's similarity to ``text``, as ``TfidfIndex(documents).search(text)``
    scores it (the same vocabulary, smoothed idf over titles and bodies, sublinear tf, L2 norms
    and weights; unrounded), computed from term counts without fitting a vectoriser: for many
    small corpora, each fitted once. All zero when the index would match nothing."""
    titles = [counts(document.title) for document in documents]
    bodies = [counts(document.body) for document in documents]
    frequency: dict[str, int] = {}
    for terms in titles + bodies:
        for term in terms:
            frequency[term] = frequency.get(term, 0) + 1
    texts = 2 * len(documents)
    idf = {term: math.log((1 + texts) / (1 + df)) + 1.0 for term, df in frequency.items()}
    query = _unit({t: n for t, n in counts(text).items() if t in idf}, idf)
    if not query:
        return [0.0] * len(documents)
    scores = []
    for title, body in zip(titles, bodies, strict=True):
        vector = {t: title_weight * w for t, w in _unit(title, idf).items()}
        for term, weight in _unit(body, idf).items():
            vector[term] = vector.get(term, 0.0) + body_weight * weight
        norm = math.sqrt(sum(value * value for value in vector.values()))
        if norm == 0.0:
            scores.append(0.0)
            continue
        scores.append(sum(value / norm * query.get(t, 0.0) for t, value in vector.items()))
    return scores


def _unit(term_counts: dict[str, int], idf: dict[str, float]) -> dict[str, float]:
    """TfidfVectorizer's row for these counts: (1 + ln tf) * idf, L2-normalised."""
    weights = {term: (1.0 + math.log(n)) * idf[term] for term, n in term_counts.items()}
    norm = math.sqrt(sum(value * value for value in weights.values()))
    return {term: value / norm for term, value in weights.items()} if norm else {}
