"""A condition that is an OR of branches, each of which an index walks in the list's order on
its own; and a deep page of such a list read from those walks merged.

An agent sees the tickets of their teams, those they own and a few granted ones: one OR. For
a page deep in such a list (``OFFSET`` 50,000) PostgreSQL walks the ordering's index over the
whole table and tests the OR on every entry it passes (680,000 at a million tickets, 140 ms),
where each branch alone is a walk of its own index (the team's: 50,000 entries, index-only,
15 ms). ``filter_any`` filters a queryset by the OR of branches (the same rows, the same SQL)
and marks it, so that ``deep_page_keys`` can later read a page's keys as ``SELECT DISTINCT
... FROM (branch walks, each ordered, UNION ALL) ORDER BY ... LIMIT ... OFFSET``: each branch
is its own ordered walk, PostgreSQL merges them (Merge Append) and drops the rows two
branches share (Unique over the merged order), so the offset costs the entries of the
branches only. The ordering added after ``filter_any`` applies to every branch; a filter
added after it leaves the list to the plain OFFSET (``branches_of``).
"""

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q, QuerySet
from django.db.models.expressions import Col
from django.db.models.lookups import Exact, In
from django.db.models.sql.where import AND, OR, WhereNode

from core.keyset import Term


class AnyOf(WhereNode):
    """The OR of branches, one child each; its class marks it in the query's conditions
    (Django's clones keep a node's class). A subclass names in ``orderings`` the orderings
    that an index walks each branch in (e.g. ``("-priority_score", "created_at", "pk")``
    over an index on (team, -priority_score, created_at, id)): only a list in one of them
    is read from the merged walks (in another a branch would be sorted whole)."""

    orderings: tuple[tuple[str, ...], ...] = ()


def filter_any(queryset: QuerySet, branches: list[Q], *, kind: type[AnyOf] = AnyOf) -> QuerySet:
    """``queryset`` filtered by ``branches[0] | branches[1] | ...`` (no branches: nothing),
    each branch kept apart for ``branches_of``. Branches are conditions on the model's own
    columns (no joins)."""
    if not branches:
        return queryset.none()
    node = kind.create(connector=OR)
    for branch in branches:
        node.children.append(_compiled(queryset, branch))
    filtered = queryset.all()
    # Appended as is: WhereNode.add would squash a node of one child into its parent.
    filtered.query.where.children.append(node)
    return filtered


def _compiled(queryset: QuerySet, branch: Q):
    """The branch as a condition of the queryset's query, compiled on a copy of it: the
    joins a lookup sets up and trims (``owner=user`` reads ``owner_id``, but joins the users
    first, as an INNER join) stay in the copy, where a later ``values("owner__name")``
    would otherwise reuse that INNER join and drop the rows without an owner."""
    probe = queryset.all()
    before = len(probe.query.where.children)
    probe.query.add_q(branch)
    added = probe.query.where.children[before:]
    return added[0] if len(added) == 1 else WhereNode(added, AND)


def branches_of(queryset: QuerySet, terms: list[Term]) -> list[QuerySet] | None:
    """The queryset once per branch of its ``filter_any`` condition (everything else the
    same), where each is an ordered walk of an index: the branches are the list's only
    condition and ``terms`` (its ordering) one of the condition's ``orderings``. None
    otherwise (another filter, e.g. a status, is better walked by its own index once than
    by each branch; not filtered by ``filter_any``; combined with another queryset)."""
    where = queryset.query.where
    if where.connector != AND or where.negated or len(where.children) != 1:
        return None
    node = where.children[0]
    if (
        not isinstance(node, AnyOf)
        or _ordering(terms, queryset.model._meta.pk.name) not in node.orderings
    ):
        return None
    at = 0
    walks = []
    for branch in _split(where.children[at].children, queryset.model._meta.pk):
        walk = queryset.all()
        walk.query.where.children[at] = branch
        walks.append(walk)
    return walks


def _split(branches: list, pk) -> list:
    """The branches, a list of values of a column (``team_id IN (a, b)``) as one branch per
    value: an index on (column, the ordering) walks one value in order, not two at once. A
    list of primary keys stays one branch (its rows are read by key and sorted)."""
    split = []
    for branch in branches:
        if (
            isinstance(branch, In)
            and isinstance(branch.lhs, Col)
            and branch.lhs.target != pk
            and isinstance(branch.rhs, (list, tuple))
        ):
            split.extend(Exact(branch.lhs, value) for value in branch.rhs)
        else:
            split.append(branch.clone() if hasattr(branch, "clone") else branch)
    return split


def deep_page_keys(walks: list[QuerySet], terms: list[Term], offset: int, limit: int):
    """The keys (the terms' values, the primary key last) of rows ``offset`` to
    ``offset + limit`` of the union of ``walks`` (``branches_of``) in the order of ``terms``
    (core.keyset; every walk is ordered so). One statement."""
    names = [term.name for term in terms[:-1]]
    parts, params = [], []
    compiler = None
    for walk in walks:
        columns = walk.order_by(*[term.order() for term in terms]).values_list("pk", *names)
        try:
            sql, walk_params = columns.query.sql_with_params()
        except EmptyResultSet:  # e.g. an empty id list: this branch holds nothing
            continue
        compiler = compiler or columns.query.get_compiler(columns.db)
        parts.append(f"SELECT * FROM ({sql}) AS branch{len(parts)}")  # noqa: S608 - ORM SQL
        params.extend(walk_params)
    if not parts:
        return []
    # The key's columns are selected (pk, *names): the pk is column 1, term i column i + 2.
    positions = [*range(2, len(terms) + 1), 1]
    order = ", ".join(
        _order_by(position, term) for position, term in zip(positions, terms, strict=True)
    )
    union = " UNION ALL ".join(parts)
    statement = f"SELECT DISTINCT * FROM ({union}) AS branches ORDER BY {order} LIMIT %s OFFSET %s"  # noqa: S608
    with connections[walks[0].db].cursor() as cursor:
        cursor.execute(statement, [*params, limit, offset])
        rows = [list(row) for row in cursor.fetchall()]
    # Django's converters of those columns (as values_list applies them): the keys are
    # encoded into cursors, which must not differ from the OFFSET page's.
    compiler.setup_query()
    converters = compiler.get_converters([expression for expression, _, _ in compiler.select])
    if converters:
        rows = compiler.apply_converters(rows, converters)
    return [(*row[1:], row[0]) for row in rows]


def _ordering(terms: list[Term], pk: str) -> tuple[str, ...]:
    names = ["pk" if term.name == pk else term.name for term in terms]
    return tuple(
        f"{'-' if term.descending else ''}{name}" for term, name in zip(terms, names, strict=True)
    )


def _order_by(position: int, term: Term) -> str:
    """One ORDER BY item as the walks write it (their merge needs the very same order)."""
    sql = f"{position} {'DESC' if term.descending else 'ASC'}"
    if term.nullable:
        sql += " NULLS LAST" if term.nulls_last else " NULLS FIRST"
    return sql
