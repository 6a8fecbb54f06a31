"""The lexical half of matching a ticket with the profiles: character n-grams (TF-IDF, 3 to 5
characters within words) of the ticket against each team's profile text. It catches what
averaging token embeddings dilutes: product names and technical terms (SAP, VPN, toner,
Outlook) and their spellings and inflections in any language, which the English-trained
static embeddings read poorly."""

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer


class Lexicon:
    def __init__(self, profiles: list[str]) -> None:
        self.size = len(profiles)
        self.vectorizer = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(3, 5),
            sublinear_tf=True,
            strip_accents="unicode",
            lowercase=True,
        )
        texts = [text or "-" for text in profiles]
        self.matrix = self.vectorizer.fit_transform(texts).T.tocsc() if profiles else None

    def scores(self, title: str, description: str) -> np.ndarray:
        """The cosine of the ticket with each profile, in the order given."""
        if self.matrix is None:
            return np.zeros(0)
        row = self.vectorizer.transform([f"{title}\n{title}\n{description}"])
        return np.asarray((row @ self.matrix).todense()).ravel()
