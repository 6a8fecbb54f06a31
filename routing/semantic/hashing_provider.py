"""A second provider: a bag of words hashed into 256 dimensions (scikit-learn's
HashingVectorizer), no model at all. It knows no synonyms, so it ranks only on shared words;
the tests use it to show the interface holds more than one provider, and it is a fallback
where no model may be installed."""

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer

from routing.semantic.providers import normalise


class HashingProvider:
    name = "hashing"
    dim = 256

    def __init__(self) -> None:
        self.vectorizer = HashingVectorizer(
            n_features=self.dim, alternate_sign=False, norm=None, strip_accents="unicode"
        )

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        matrix = self.vectorizer.transform([text or "" for text in texts]).toarray()
        return normalise(matrix)
