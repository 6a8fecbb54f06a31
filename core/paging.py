"""Pages of long lists (a million tickets) whose cost does not grow with the table.

Two things grow with the table in a plain ``Paginator``: ``COUNT(*)`` over the whole filtered
set, on every page; and the page's own query, which joins every related table for each row it
skips before the offset. ``LongListPaginator`` counts exactly only small sets: it counts up
to ``EXACT_COUNT_BELOW`` rows and stops; a set that reaches it is given PostgreSQL's planner
estimate (one ``EXPLAIN``, never less than the rows counted) and ``count_is_estimate`` says
so. And it fetches a page in two steps: the ids of the page from the list's own indexes
(narrow, often index-only), then those rows with everything they show, by primary key.
SQLite (tests, the embedded default) counts exactly.

Deep pages: OFFSET still walks every index entry it skips. A keyed paginator (``keyed=True``)
also gives each page cursors (core.keyset) for the page after and before it, and serves a page
from a cursor (``cursor_page``): the walk starts at the cursor's key, so every page costs the
same however deep. A page typed by number deep in a list filtered by an OR of branches
(``core.branches.filter_any``: an agent's teams, owned and granted tickets) is read from each
branch's own ordered walk, merged (``DEEP_OFFSET``): the offset then costs the branches'
entries, not the whole table's.
"""

import json
from collections.abc import Callable
from functools import cached_property

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import QuerySet

from core import keyset
from core.branches import branches_of, deep_page_keys

# Below this estimate an exact count is cheap and an estimate's error would show; above it
# nobody pages to the end, and the planner's figure, from the same statistics that chose the
# plan, is close enough. (At 10,000 an agent's filtered count of 4,700 rows took 26 ms of
# bitmap scans at a million tickets: more than the page itself.)
EXACT_COUNT_BELOW = 1_000
# From this offset a page of a list filtered by branches is read from their merged walks (the
# 25 rows of page 40 are as cheap either way; a shallow page's plain walk stops sooner than a
# merge of every branch's).
DEEP_OFFSET = 1_000


def estimated_rows(queryset: QuerySet) -> int | None:
    """The planner's estimate of the rows the queryset returns; None where there is none."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # e.g. .none(), or an empty id list: nothing to ask
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):  # the driver may hand the JSON over as text
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def fast_count(queryset: QuerySet, *, exact_below: int = EXACT_COUNT_BELOW) -> tuple[int, bool]:
    """(count, is_estimate): exact below ``exact_below`` rows, the estimate above.

    The rows are counted first, up to ``exact_below`` (a walk that stops there); only a set
    that reaches it asks the planner. The planner's figure alone cannot decide which side a
    set is on: on a table whose statistics are stale or were never gathered (a new database,
    a bulk delete) it estimates from the file's pages and may say a thousand for three rows.
    """
    capped = queryset.order_by()[:exact_below].count()
    if capped < exact_below:
        return capped, False
    estimate = estimated_rows(queryset)
    if estimate is None:
        return queryset.count(), False
    return max(estimate, exact_below), True


class LongListPaginator(Paginator):
    """A ``Paginator`` over a queryset for lists that may hold millions of rows. ``rows``:
    how a page's rows are read from its ids ({id: row}), e.g. as plain dicts; by default the
    queryset's model instances. ``keyed``: pages carry cursors (``next_cursor``,
    ``previous_cursor``; None where the ordering cannot be walked by key or there is no such
    page) and ``cursor_page`` serves one."""

    count_is_estimate = False

    def __init__(
        self, object_list, per_page, *args, rows: Callable | None = None, keyed=False, **kwargs
    ):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.rows = rows or self._instances
        self.terms = keyset.terms_of(object_list) if keyed else None

    def _instances(self, ids: list) -> dict:
        return {row.pk: row for row in self.object_list.order_by().filter(pk__in=ids)}

    @cached_property
    def count(self) -> int:
        count, self.count_is_estimate = fast_count(self.object_list)
        return count

    def page(self, number):
        """The page's ids first (the ordering's index, no joins), then its rows by id."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        keys = self._branch_keys(bottom)
        if keys is None:
            keys = self._keys(self.object_list[bottom : bottom + self.per_page])
        page = self._get_page(self._rows_of(keys), number, self)
        page.next_cursor = self._cursor(keys[-1:], keyset.NEXT, page.has_next())
        page.previous_cursor = self._cursor(keys[:1], keyset.PREVIOUS, page.has_previous())
        return page

    def cursor_page(self, token: str) -> "CursorPage":
        """The page after (or before) the cursor's row. Raises keyset.BadCursor."""
        if self.terms is None:
            raise keyset.BadCursor("This ordering (e.g. a search's relevance) has no cursors.")
        direction, values = keyset.decode(token, self.terms, self.object_list.model)
        forward = direction == keyset.NEXT
        terms = self.terms if forward else [term.reversed() for term in self.terms]
        # One more than a page: is there a page beyond?
        keys = keyset.after(self.object_list, terms, values, self.per_page + 1)
        beyond, keys = len(keys) > self.per_page, keys[: self.per_page]
        if not forward:
            keys.reverse()
        page = CursorPage(self._rows_of(keys), None, self)
        page.next_cursor = self._cursor(keys[-1:], keyset.NEXT, beyond or not forward)
        page.previous_cursor = self._cursor(keys[:1], keyset.PREVIOUS, beyond or forward)
        return page

    def _keys(self, queryset: QuerySet) -> list[tuple]:
        """Each row's ordering key (its primary key last), or its primary key alone."""
        if self.terms is None:
            return [(pk,) for pk in queryset.values_list("pk", flat=True)]
        names = [term.name for term in self.terms[:-1]]
        return [(*row[1:], row[0]) for row in queryset.values_list("pk", *names)]

    def _branch_keys(self, bottom: int) -> list[tuple] | None:
        """A deep page's keys from the merged walks of the list's branches; None where the
        plain OFFSET query serves (a shallow page, no branches, no keyed ordering)."""
        if self.terms is None or bottom < DEEP_OFFSET:
            return None
        walks = branches_of(self.object_list, self.terms)
        if walks is None or len(walks) < 2:
            return None
        return deep_page_keys(walks, self.terms, bottom, self.per_page)

    def _rows_of(self, keys: list[tuple]) -> list:
        ids = [key[-1] for key in keys]
        rows = self.rows(ids) if ids else {}
        return [rows[pk] for pk in ids if pk in rows]

    def _cursor(self, keys: list[tuple], direction: str, wanted: bool) -> str | None:
        if self.terms is None or not keys or not wanted:
            return None
        return keyset.encode(self.terms, keys[0], direction)

    def validate_number(self, number):
        """An estimated count may fall short of the real one: a page past it is still served
        when it has rows (and is empty, not an error, past the end)."""
        if self.count and self.count_is_estimate:
            try:
                number = int(number)
            except (TypeError, ValueError):
                return super().validate_number(number)
            if number >= 1:
                return number
        return super().validate_number(number)


class CursorPage(Page):
    """A page served from a cursor: it has no number; whether a page follows (or precedes)
    is whether its cursor is set."""

    next_cursor: str | None = None
    previous_cursor: str | None = None

    def has_next(self) -> bool:
        return self.next_cursor is not None

    def has_previous(self) -> bool:
        return self.previous_cursor is not None
