"""The service-desk glossary: French, German and Spanish service-desk words and phrases mapped
to the English IT vocabulary the team profiles use, applied to a ticket's text before it is
embedded and compared. The bundled embedding model is English-only (its tokenizer cuts
"imprimante" or "Kennwort" into meaningless pieces); the glossary gives it the English words.

The bundled file is routing/data/triage_glossary.json; ``settings.TRIAGE_GLOSSARY_FILES`` names
more files of the same shape (an installation's own words), read after it (later files win).
Keys are matched on lower-case text without accents: a key with a space, hyphen or apostrophe
is a phrase; ``word*`` matches every word it begins; ``*part*`` matches inside a word (German
compounds: Druckerwarteschlange); ``*end`` matches words ending with it."""

import json
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

BUNDLED = Path(__file__).resolve().parent.parent / "data" / "triage_glossary.json"
_WORD = re.compile(r"\w+", re.UNICODE)


def fold(text: str) -> str:
    """Lower case, accents removed (é -> e, ü -> u, ß -> ss, ñ -> n)."""
    text = unicodedata.normalize("NFKD", (text or "").lower().replace("ß", "ss"))
    return "".join(c for c in text if not unicodedata.combining(c))


def _alternation(keys: list[str]) -> str:
    # Longest first: the regex takes the first alternative that matches.
    return "|".join(re.escape(k) for k in sorted(keys, key=lambda k: (-len(k), k)))


@dataclass(frozen=True)
class Glossary:
    words: dict[str, str]
    phrases: dict[str, str]
    prefixes: dict[str, str]
    infixes: dict[str, str]
    suffixes: dict[str, str]
    phrase_re: re.Pattern | None
    prefix_re: re.Pattern | None
    infix_re: re.Pattern | None
    suffix_re: re.Pattern | None

    @classmethod
    def build(cls, entries: dict[str, str]) -> "Glossary":
        words, phrases, prefixes, infixes, suffixes = {}, {}, {}, {}, {}
        for raw, english in entries.items():
            key = fold(raw).strip()
            if not key or not english:
                continue
            if key.startswith("*") and key.endswith("*") and len(key) > 2:
                infixes[key[1:-1]] = english
            elif key.endswith("*"):
                prefixes[key[:-1]] = english
            elif key.startswith("*"):
                suffixes[key[1:]] = english
            elif re.search(r"[\s'\u2019-]", key):
                phrases[key] = english
            else:
                words[key] = english

        def compiled(pattern: str, keys: dict) -> re.Pattern | None:
            return re.compile(pattern.format(_alternation(list(keys)))) if keys else None

        return cls(
            words=words,
            phrases=phrases,
            prefixes=prefixes,
            infixes=infixes,
            suffixes=suffixes,
            phrase_re=compiled(r"(?<!\w)(?:{})(?!\w)", phrases),
            prefix_re=compiled(r"(?:{})", prefixes),
            infix_re=compiled(r"(?:{})", infixes),
            suffix_re=compiled(r"(?:{})$", suffixes),
        )

    def _word(self, word: str) -> str:
        if word in self.words:
            return self.words[word]
        found: list[str] = []
        if self.prefix_re and (match := self.prefix_re.match(word)):
            found.append(self.prefixes[match.group(0)])
        if self.suffix_re and (match := self.suffix_re.search(word)):
            found.append(self.suffixes[match.group(0)])
        if self.infix_re:  # compounds: every part it knows (Druckerwarteschlange)
            found += [self.infixes[part] for part in self.infix_re.findall(word)]
        return " ".join(dict.fromkeys(found))

    def english(self, text: str) -> str:
        """The English words the glossary finds in ``text`` (empty when none): phrases first,
        then each remaining word."""
        folded = fold(text)
        found: list[str] = []
        if self.phrase_re:
            found += [self.phrases[m.group(0)] for m in self.phrase_re.finditer(folded)]
            folded = self.phrase_re.sub(" ", folded)
        for word in _WORD.findall(folded):
            english = self._word(word)
            if english and english != word:
                found.append(english)
        return " ".join(found)

    def annotate(self, text: str) -> str:
        """``text`` followed by the English the glossary finds in it: the original words stay
        (names, English, words the glossary lacks) and the model also reads the English."""
        english = self.english(text)
        return f"{text}\n{english}" if english else text


def read_entries(paths: list[Path]) -> dict[str, str]:
    """Every language's entries of every file, later files winning."""
    entries: dict[str, str] = {}
    for path in paths:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        for language, table in data.items():
            if language != "about" and isinstance(table, dict):
                entries.update({str(k): str(v) for k, v in table.items()})
    return entries


_lock = threading.Lock()
_built: dict[tuple, Glossary] = {}


def files() -> tuple[Path, ...]:
    extra = getattr(settings, "TRIAGE_GLOSSARY_FILES", ()) or ()
    return (BUNDLED, *(Path(p) for p in extra))


def current() -> Glossary:
    """The process's glossary (the bundled file and the configured ones), built once; an
    empty one with ``settings.TRIAGE_GLOSSARY`` off."""
    key = files() if getattr(settings, "TRIAGE_GLOSSARY", True) else ()
    found = _built.get(key)
    if found is None:
        with _lock:
            found = _built.get(key) or Glossary.build(read_entries(list(key)))
            _built[key] = found
    return found
