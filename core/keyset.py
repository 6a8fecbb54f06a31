"""Keyset (cursor) pages of an ordered queryset: the page after (or before) a row is the rows
whose ordering key comes after (before) that row's key, found by walking the ordering's index
from the key instead of counting OFFSET rows up to it. A page deep in a million rows costs
what the first one does.

A cursor is opaque to clients: the key's values, the direction and the ordering it belongs
to, signed (``django.core.signing``), so a cursor altered, made up or carried over to another
ordering is refused (``BadCursor``) rather than followed somewhere unexpected.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import F, OrderBy, Q, QuerySet

SALT = "core.keyset"
NEXT, PREVIOUS = "n", "p"


class BadCursor(ValueError):
    """The cursor cannot be followed (not one we made, or made for another ordering)."""


@dataclass(frozen=True)
class Term:
    """One column of the ordering: its field, direction and (nullable columns) where nulls
    go."""

    name: str
    descending: bool
    nullable: bool
    nulls_last: bool

    def reversed(self) -> "Term":
        return Term(self.name, not self.descending, self.nullable, not self.nulls_last)

    def order(self) -> OrderBy:
        if not self.nullable:
            return F(self.name).desc() if self.descending else F(self.name).asc()
        nulls = {"nulls_last": True} if self.nulls_last else {"nulls_first": True}
        return F(self.name).desc(**nulls) if self.descending else F(self.name).asc(**nulls)


def terms_of(queryset: QuerySet) -> list[Term] | None:
    """The queryset's ordering as terms over its model's own columns, ending with the primary
    key (so that the key of a row names one place); None when it cannot be walked by key (an
    annotation such as a search rank, a related column, a nullable column whose nulls' place
    is left to the database)."""
    model = queryset.model
    columns = {field.name: field for field in model._meta.concrete_fields}
    columns["pk"] = model._meta.pk
    terms = []
    for entry in queryset.query.order_by or model._meta.ordering:
        term = _term(entry, columns)
        if term is None:
            return None
        terms.append(term)
    if not terms or terms[-1].name not in ("pk", model._meta.pk.name):
        return None
    return terms


def _term(entry, columns: dict) -> Term | None:
    nulls_last = None
    if isinstance(entry, str):
        descending, name = entry.startswith("-"), entry.lstrip("-")
    elif isinstance(entry, OrderBy) and isinstance(entry.expression, F):
        descending, name = entry.descending, entry.expression.name
        nulls_last = True if entry.nulls_last else False if entry.nulls_first else None
    else:
        return None
    field = columns.get(name)
    if field is None or (field.null and nulls_last is None):
        return None
    return Term(name, descending, field.null, bool(nulls_last))


def signature(terms: list[Term]) -> str:
    return ",".join(f"{'-' if t.descending else ''}{t.name}" for t in terms)


def encode(terms: list[Term], values: tuple, direction: str) -> str:
    """A cursor for the rows after (NEXT) or before (PREVIOUS) the row whose key is
    ``values``."""
    data = {"o": signature(terms), "d": direction, "v": [_plain(value) for value in values]}
    return signing.dumps(data, salt=SALT, compress=True)


def decode(token: str, terms: list[Term], model) -> tuple[str, tuple]:
    """(direction, key values) of a cursor made by ``encode`` for this ordering."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature as error:
        raise BadCursor("Not a cursor this list gave out.") from error
    if not isinstance(data, dict) or data.get("o") != signature(terms):
        raise BadCursor("This cursor belongs to another ordering; start again without it.")
    raw = data.get("v")
    if data.get("d") not in (NEXT, PREVIOUS) or not isinstance(raw, list) or len(raw) != len(terms):
        raise BadCursor("Not a cursor this list gave out.")
    fields = [model._meta.pk if t.name == "pk" else model._meta.get_field(t.name) for t in terms]
    try:
        values = tuple(
            None if value is None else field.to_python(value)
            for field, value in zip(fields, raw, strict=True)
        )
    except (ValidationError, TypeError, ValueError) as error:
        raise BadCursor("Not a cursor this list gave out.") from error
    return data["d"], values


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    return value


def ranges_after(terms: list[Term], values: tuple) -> list[Q]:
    """The rows strictly after ``values`` in the order of ``terms``, as disjoint ranges, each
    one a single walk of the ordering's index (equal on the leading columns, then past the
    key on one): the same first columns and a later id; the same first but one and a later
    value there; ...; a later first column. An OR of them is one condition the database can
    only check row by row (the score ties thousands of rows at a million tickets); one walk
    per range, merged (``after``), starts where the key is."""
    ranges = []
    for depth in reversed(range(len(terms))):
        prefix = Q()
        for term, value in zip(terms[:depth], values[:depth], strict=True):
            prefix &= _equal(term, value)
        ranges += [prefix & beyond for beyond in _beyond(terms[depth], values[depth])]
    return ranges


def after(queryset: QuerySet, terms: list[Term], values: tuple, limit: int) -> list[tuple]:
    """The keys (the terms' values, the primary key last) of the first ``limit`` rows of
    ``queryset`` after ``values`` in the order of ``terms``. Where the database can (PostgreSQL)
    each range of ``ranges_after`` is walked on its own for at most ``limit`` rows and the
    walks merged (UNION ALL, ordered, limited): every page costs what the first does. SQLite
    gets the ranges as one condition."""
    ranges = ranges_after(terms, values)
    if not ranges:
        return []
    order = [term.order() for term in terms]
    pk = queryset.model._meta.pk.name
    names = [pk if term.name == "pk" else term.name for term in terms]
    columns = [*dict.fromkeys([pk, *names])]
    if connections[queryset.db].features.supports_slicing_ordering_in_compound:
        walks = [queryset.filter(r).order_by(*order).values_list(*columns)[:limit] for r in ranges]
        if len(walks) == 1:
            rows = walks[0]
        else:
            rows = walks[0].union(*walks[1:], all=True).order_by(*order)[:limit]
    else:
        either = Q()
        for r in ranges:
            either |= r
        rows = queryset.filter(either).order_by(*order).values_list(*columns)[:limit]
    at = {name: columns.index(name) for name in names}
    return [tuple(row[at[name]] for name in names) for row in rows]


def _beyond(term: Term, value) -> list[Q]:
    """The rows strictly past ``value`` on this column alone, as ranges in their order."""
    if value is None:  # among the nulls: past them only the non-null side, if it is later
        return [] if term.nulls_last else [Q(**{f"{term.name}__isnull": False})]
    op = "lt" if term.descending else "gt"
    beyond = [Q(**{f"{term.name}__{op}": value})]
    if term.nullable and term.nulls_last:
        beyond.append(Q(**{f"{term.name}__isnull": True}))
    return beyond


def _equal(term: Term, value) -> Q:
    if value is None:
        return Q(**{f"{term.name}__isnull": True})
    return Q(**{term.name: value})
