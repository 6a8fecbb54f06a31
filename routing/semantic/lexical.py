"""Character n-grams (TF-IDF of 3-5 characters within words) of a ticket against each team's
profile text and against the tickets each team learned from. It catches what averaging token
embeddings dilutes: product names and technical terms (SAP, VPN, toner, Outlook) and their
spellings and inflections in any language, which the English-trained static embeddings read
poorly.

The n-grams are hashed (no vocabulary to fit: a lesson can teach a team words no profile has)
and weighted by their inverse document frequency over the profiles (an n-gram no profile has
weighs as the rarest).

History: each team's lessons (the tickets it resolved or was transferred) are turned into
n-gram rows and summed into one unit centroid per team (Rocchio). The centroid grows with
every lesson; it is computed on read from the stored lessons, and a lesson's row is kept in
the process (``rows``) so a reload transforms only the lessons it has not seen."""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize

from routing.semantic.glossary import current as glossary

N_FEATURES = 2**18  # hashed n-grams: collisions are rare among a desk's few 100,000 n-grams


def ticket_text(title: str, description: str) -> str:
    """What the n-grams read: the title twice (it says most), the description, and the
    English the service-desk glossary finds in them."""
    text = f"{title or ''}\n{title or ''}\n{description or ''}"
    return glossary().annotate(text)


@dataclass(frozen=True)
class Lesson:
    key: tuple  # what identifies this version of the lesson (ticket, team, learned at)
    team_index: int
    title: str
    description: str


class LexicalScores(NamedTuple):
    """The ticket's n-gram cosine with each profile, with each team's closest topic (None
    without topics) and with each team's lessons' centroid (None without lessons)."""

    profile: np.ndarray
    learned: np.ndarray | None = None
    topics: np.ndarray | None = None


class Lexicon:
    def __init__(
        self, profiles: list[str], ids: tuple = (), topics: list[list[str]] | None = None
    ) -> None:
        self.size = len(profiles)
        self.ids = ids  # whose profiles, in order (the service reuses a lexicon for the same)
        self.hashing = HashingVectorizer(
            analyzer="char_wb",
            ngram_range=(3, 5),
            strip_accents="unicode",
            lowercase=True,
            alternate_sign=False,
            norm=None,
            n_features=N_FEATURES,
        )
        self.idf = np.ones(N_FEATURES)
        self.matrix = None
        if profiles:
            counts = self.hashing.transform([text or "-" for text in profiles])
            # Smoothed inverse document frequency over the profiles (scikit-learn's formula).
            frequency = np.bincount(counts.indices, minlength=N_FEATURES)
            self.idf = np.log((1 + len(profiles)) / (1 + frequency)) + 1
            # Kept as csr: its product with a ticket's row converts nothing (csc took 0.3 ms).
            self.matrix = self._weigh(counts).T.tocsr()
        self.topic_matrix, self.topic_starts = self._topics(profiles, topics)
        self.rows: dict[tuple, sp.csr_matrix] = {}
        self.learned: sp.csr_matrix | None = None  # features x teams, unit columns (csr)
        self.counts = np.zeros(self.size)

    def _topics(self, profiles: list[str], topics) -> tuple[sp.csr_matrix | None, np.ndarray]:
        """Every team's topics as columns, team after team (a team that lists none reads as
        its whole profile); ``starts``: where each team's columns begin."""
        if not profiles or topics is None:
            return None, np.zeros(0, dtype=int)
        lists = [found or [profile or "-"] for found, profile in zip(topics, profiles, strict=True)]
        texts = [glossary().annotate(topic) for found in lists for topic in found]
        starts = np.cumsum([0, *(len(found) for found in lists[:-1])])
        return self.transform(texts).T.tocsr(), starts

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        return self._weigh(self.hashing.transform(texts))

    def _weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Sublinear tf x idf, rows scaled to unit length. By hand: scikit-learn's
        TfidfTransformer multiplies by a diagonal matrix as wide as the hash space, which took
        0.4 ms a ticket, ten times this."""
        counts = counts.tocsr().astype(np.float64)
        counts.data = (np.log(counts.data) + 1) * self.idf[counts.indices]
        if counts.shape[0] == 1:
            norm = float(np.sqrt(counts.data @ counts.data))
            counts.data /= norm or 1.0
            return counts
        return normalize(counts)

    def learn(self, lessons: list[Lesson]) -> None:
        """Each team's centroid of its lessons' n-grams (replacing what it had)."""
        if self.matrix is None:
            return
        new = [lesson for lesson in lessons if lesson.key not in self.rows]
        if new:
            rows = self.transform([ticket_text(n.title, n.description) for n in new])
            for index, lesson in enumerate(new):
                self.rows[lesson.key] = rows[index]
        self.rows = {lesson.key: self.rows[lesson.key] for lesson in lessons}  # drop moved ones
        if not lessons:
            self.learned, self.counts = None, np.zeros(self.size)
            return
        stacked = sp.vstack([self.rows[lesson.key] for lesson in lessons]).tocsr()
        teams = np.array([lesson.team_index for lesson in lessons])
        membership = sp.csr_matrix(
            (np.ones(len(lessons)), (teams, np.arange(len(lessons)))),
            shape=(self.size, len(lessons)),
        )
        # One assignment: a thread scoring meanwhile sees the old pair or the new one.
        self.learned, self.counts = (
            normalize(membership @ stacked).T.tocsr(),
            np.bincount(teams, minlength=self.size).astype(float),
        )

    def scores(self, title: str, description: str) -> LexicalScores:
        """The cosine of the ticket with each profile, its closest topic and its lessons'
        centroid, in the order given."""
        if self.matrix is None:
            return LexicalScores(np.zeros(0))
        row = self.transform([ticket_text(title, description)])
        profile = np.asarray((row @ self.matrix).todense()).ravel()
        topics = None
        if self.topic_matrix is not None:
            each = np.asarray((row @ self.topic_matrix).todense()).ravel()
            topics = np.maximum.reduceat(each, self.topic_starts)
        learned = None
        if self.learned is not None:
            learned = np.asarray((row @ self.learned).todense()).ravel()
        return LexicalScores(profile, learned, topics)
