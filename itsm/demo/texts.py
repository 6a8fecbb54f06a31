"""What the demo's tickets say, read from texts.yaml beside this module: per category, title
and description templates with ``{slots}``, the desk's resolutions and questions, and the
lines any ticket may carry. ``fill`` puts slot values in with the demo's random generator."""

import random
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

PATH = Path(__file__).with_name("texts.yaml")
SLOT = re.compile(r"\{(\w+)\}")
TEXT_FIELDS = ("urgency", "impact", "titles", "descriptions", "resolutions", "questions")


@dataclass(frozen=True)
class Category:
    name: str
    weight: float  # share of the desk's tickets
    types: tuple[tuple[str, float], ...]  # ticket type, weight
    urgency: tuple[str, ...]  # drawn uniformly: the category's usual spread
    impact: tuple[str, ...]
    titles: tuple[str, ...]
    descriptions: tuple[str, ...]
    resolutions: tuple[str, ...]
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Texts:
    slots: dict[str, tuple[str, ...]]
    categories: tuple[Category, ...]
    acknowledgements: tuple[str, ...]
    notes: tuple[str, ...]
    requester_replies: tuple[str, ...]
    thanks: tuple[str, ...]
    chasers: tuple[str, ...]
    csat_comments: dict[int, tuple[str, ...]]


@cache
def texts() -> Texts:
    document = yaml.safe_load(PATH.read_text(encoding="utf-8"))
    categories = tuple(
        Category(
            name=item["name"],
            weight=float(item["weight"]),
            types=tuple((kind, float(weight)) for kind, weight in item["types"].items()),
            **{key: tuple(str(value) for value in item[key]) for key in TEXT_FIELDS},
        )
        for item in document["categories"]
    )
    lines = {
        key: tuple(document[key])
        for key in ("acknowledgements", "notes", "requester_replies", "thanks", "chasers")
    }
    return Texts(
        slots={name: tuple(values) for name, values in document["slots"].items()},
        categories=categories,
        csat_comments={int(k): tuple(v) for k, v in document["csat_comments"].items()},
        **lines,
    )


def fill(template: str, rng: random.Random, known: dict[str, str] | None = None) -> str:
    """The template with every slot drawn (slot values may hold slots themselves); ``known``
    fixes some, e.g. the requester's first name or the title's site for its description."""
    known = dict(known or {})
    slots = texts().slots

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in known:
            if name not in slots:
                raise KeyError(f"texts.yaml has no slot {name!r} (in {template!r})")
            known[name] = fill(rng.choice(slots[name]), rng, known)
        return known[name]

    return SLOT.sub(value, template)
