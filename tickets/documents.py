"""The text-search document of a row, as a database expression for a generated column.

On PostgreSQL the document is a weighted ``tsvector`` (the first field weight A, the next B,
...) built with an explicit text-search configuration: ``to_tsvector(regconfig, text)`` is
immutable, so PostgreSQL accepts it in a stored generated column and keeps it current on every
insert and update, whoever writes the row (the actions, a COPY, the admin). SQLite has no
``tsvector``: the column holds NULL there and tickets.search falls back to substring matching.
"""

from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db.models import F, Func

SEARCH_CONFIG = "english"
WEIGHTS = "ABCD"


class SearchDocument(Func):
    """``setweight(to_tsvector(config, coalesce(field, '')), 'A') || ...`` over the fields."""

    template = "(%(expressions)s)"
    arg_joiner = " || "
    output_field = SearchVectorField()

    def __init__(self, *fields: str) -> None:
        if not 0 < len(fields) <= len(WEIGHTS):
            raise ValueError(f"A search document has 1 to {len(WEIGHTS)} fields.")
        super().__init__(
            *(
                SearchVector(F(field), weight=weight, config=SEARCH_CONFIG)
                for field, weight in zip(fields, WEIGHTS, strict=False)
            )
        )
        self.fields = fields

    def deconstruct(self) -> tuple[str, tuple[str, ...], dict]:
        # Migrations record the field names, not the SearchVector expressions built from them.
        return "tickets.documents.SearchDocument", self.fields, {}

    def as_sqlite(self, compiler, connection, **extra_context) -> tuple[str, list]:
        return "NULL", []
