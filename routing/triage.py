"""A simple triage for tickets that arrive without a category: the keyword map (edited in the
admin as TriageKeyword rows) votes. Pure: no ORM. The learned triage replaces this later."""

import re
from collections import Counter
from collections.abc import Mapping

_WORD = re.compile(r"[a-z0-9][a-z0-9+#.-]*")


def words_of(text: str) -> list[str]:
    return [word.strip(".-") for word in _WORD.findall((text or "").lower())]


def guess_category(title: str, description: str, keyword_map: Mapping[str, str]) -> str:
    """The category whose keywords occur most (a title hit counts twice, a description hit
    once; multi-word keywords match as phrases). Ties go to the alphabetically first
    category, so the answer is stable. Empty when no keyword occurs."""
    if not keyword_map:
        return ""
    title_words, body_words = words_of(title), words_of(description)
    title_text, body_text = " ".join(title_words), " ".join(body_words)
    votes: Counter[str] = Counter()
    for keyword, category in keyword_map.items():
        keyword = keyword.strip().lower()
        if not keyword:
            continue
        if " " in keyword:
            hits_title = title_text.count(keyword)
            hits_body = body_text.count(keyword)
        else:
            hits_title = title_words.count(keyword)
            hits_body = body_words.count(keyword)
        if hits_title or hits_body:
            votes[category] += 2 * hits_title + hits_body
    if not votes:
        return ""
    return min(votes, key=lambda category: (-votes[category], category))


def keywords_for(category: str, keyword_map: Mapping[str, str]) -> tuple[str, ...]:
    category = (category or "").strip().lower()
    return tuple(sorted(k for k, c in keyword_map.items() if c == category and k != category))
