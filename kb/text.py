"""TF-IDF indexes over short documents (articles, resolved tickets) with scikit-learn: cosine
similarity, and why a document matched (the shared terms that weigh most). Pure: documents in,
ranked ids out; kb.search and kb.suggestions decide what goes in and cache the fitted index."""

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
