"""Character n-grams (TF-IDF of 3-5 characters within words) of a ticket against each team's
profile text and against the tickets each team learned from. It catches what averaging token
embeddings dilutes: product names and technical terms (SAP, VPN, toner, Outlook) and their
spellings and inflections in any language, which the English-trained static embeddings read
poorly.

History: each team's lessons (the tickets it resolved or was transferred) are turned into
n-gram rows and summed into one unit centroid per team (Rocchio). The centroid grows with
every lesson; it is computed on read from the stored lessons, and a lesson's row is kept in
the process (``rows``) so a reload transforms only the lessons it has not seen."""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from routing.semantic.glossary import current as glossary


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


class Lexicon:
    def __init__(self, profiles: list[str], ids: tuple = ()) -> None:
        self.size = len(profiles)
        self.ids = ids  # whose profiles, in order (the service reuses a lexicon for the same)
        self.vectorizer = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(3, 5),
            sublinear_tf=True,
            strip_accents="unicode",
            lowercase=True,
        )
        texts = [text or "-" for text in profiles]
        self.matrix = self.vectorizer.fit_transform(texts).T.tocsc() if profiles else None
        self.rows: dict[tuple, sp.csr_matrix] = {}
        self.learned: sp.csc_matrix | None = None  # features x teams, unit columns
        self.counts = np.zeros(self.size)

    def learn(self, lessons: list[Lesson]) -> None:
        """Each team's centroid of its lessons' n-grams (replacing what it had)."""
        if self.matrix is None:
            return
        new = [lesson for lesson in lessons if lesson.key not in self.rows]
        if new:
            rows = self.vectorizer.transform([ticket_text(n.title, n.description) for n in new])
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
            normalize(membership @ stacked).T.tocsc(),
            np.bincount(teams, minlength=self.size).astype(float),
        )

    def scores(self, title: str, description: str) -> tuple[np.ndarray, np.ndarray | None]:
        """The cosine of the ticket with each profile and with each team's lessons' centroid
        (None without lessons), in the order given."""
        if self.matrix is None:
            return np.zeros(0), None
        row = self.vectorizer.transform([ticket_text(title, description)])
        profile = np.asarray((row @ self.matrix).todense()).ravel()
        if self.learned is None:
            return profile, None
        return profile, np.asarray((row @ self.learned).todense()).ravel()
