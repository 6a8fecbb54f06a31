"""New rows written together: one statement for what one action writes at once.

Creating a ticket writes four rows (the ticket, its first timeline entry, the audit row and the
``ticket.created`` event), each by its own writer (tickets, the journal, core.audit,
core.events). Inside ``together()`` those writers' ``add(row)`` calls are kept and written when
the block ends, on PostgreSQL in one statement: one ``INSERT`` per table, chained as
data-modifying ``WITH`` clauses (rows of one table in the order added, so the outbox's ids keep
their order), the generated ids read back. One round trip and one statement instead of four,
with the SQL text built once per shape of rows (docs/benchmarks.md, "Creating a ticket").
Elsewhere (SQLite) each row is saved in turn, as without the block.

The rows are written in the caller's transaction, so they commit or roll back together; foreign
keys between them are checked at the end of the statement or at the commit (PostgreSQL's are
deferred), and triggers run as for single inserts. The block writes without ``Model.save()``
and without the ``pre_save``/``post_save`` signals: for append-only rows nobody listens to. A
model may define ``before_insert()`` (its save-time checks, run when the row is added) and
``after_insert()`` (what its save does after the write).
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections, router
from django.db.models import Model

from core import numbered

_pending: ContextVar[list[Model] | None] = ContextVar("inserts_pending", default=None)
_sql_cache: dict[tuple, str] = {}
MAX_PARAMS = 30_000  # per statement (PostgreSQL takes at most 65,535)


@contextmanager
def together() -> Iterator[None]:
    """Keep the rows ``add`` receives and write them when the block ends (nested blocks join
    the outermost). Nothing is written if the block raises. Inside, an added row is not in the
    database yet, and an auto-increment id is set only when the block ends."""
    if _pending.get() is not None:
        yield
        return
    rows: list[Model] = []
    token = _pending.set(rows)
    try:
        yield
    finally:
        _pending.reset(token)
    _write(rows)


def add(row: Model) -> Model:
    """Insert a new row: now (``save(force_insert=True)``), or at the end of the ``together``
    block around this call."""
    pending = _pending.get()
    if pending is None:
        row.save(force_insert=True)
    else:
        if hasattr(row, "before_insert"):
            row.before_insert()
        pending.append(row)
    return row


def insert_many(rows: Iterable[Model]) -> list[Model]:
    """New rows of one model, now, as ``bulk_create`` writes them (no ``save()``, no signals,
    the auto-increment ids set), on PostgreSQL in one ``INSERT ... VALUES`` per MAX_PARAMS
    values. Django's bulk_create sends each column as one array (``UNNEST``), and psycopg
    builds an array's text in Python, value by value, quoting and escaping each text or JSON
    document: for a hundred audit rows, decisions or events that cost more than the insert
    (docs/benchmarks.md, "Delivery cost per ticket"). Here each value is a parameter of its
    own, dumped by psycopg's C dumpers."""
    rows = list(rows)
    if not rows:
        return rows
    model = type(rows[0])
    if connections[router.db_for_write(model)].vendor != "postgresql":
        return model._base_manager.bulk_create(rows)
    if any(type(row) is not model for row in rows):
        raise TypeError("insert_many takes rows of one model")
    if model._meta.auto_field is None:
        for row in rows:  # a key with a default (a UUID): given here, as bulk_create does
            if row.pk is None:
                row.pk = model._meta.pk.get_pk_value_on_save(row)
    columns = [f for f in model._meta.local_concrete_fields if f is not model._meta.auto_field]
    chunk = max(1, MAX_PARAMS // max(1, len(columns)))
    for start in range(0, len(rows), chunk):
        _write(rows[start : start + chunk])
    return rows


def _write(rows: list[Model]) -> None:
    if not rows:
        return
    alias = router.db_for_write(type(rows[0]))
    connection = connections[alias]
    if connection.vendor != "postgresql":
        for row in rows:
            row.save(force_insert=True, using=alias)
        return
    groups: dict[type[Model], list[Model]] = {}
    for row in rows:
        groups.setdefault(type(row), []).append(row)
    plans = [_Plan(model, objs) for model, objs in groups.items()]
    params = [
        value for plan in plans for obj in plan.objs for value in plan.values(obj, connection)
    ]
    with numbered.cursor(connection) as cursor:
        cursor.execute(_statement(plans, connection), params)
        returned = cursor.fetchall()
    ids = iter(row[0] for row in returned)
    for plan in plans:
        for obj in plan.objs:
            if plan.auto is not None:
                setattr(obj, plan.auto.attname, next(ids))
            obj._state.adding, obj._state.db = False, alias
            if hasattr(obj, "after_insert"):
                obj.after_insert()


class _Plan:
    """One table's INSERT: its columns, and the auto-increment id to read back (if any)."""

    def __init__(self, model: type[Model], objs: list[Model]) -> None:
        meta = model._meta
        self.model, self.objs = model, objs
        self.auto = meta.auto_field if all(obj.pk is None for obj in objs) else None
        self.fields = [
            field
            for field in meta.local_concrete_fields
            if field is not self.auto and not getattr(field, "generated", False)
        ]

    def values(self, obj: Model, connection) -> list:
        values = []
        for field in self.fields:
            value = field.get_db_prep_save(field.pre_save(obj, True), connection=connection)
            if hasattr(value, "resolve_expression"):  # a database default: not handled here
                raise ValueError(f"{self.model.__name__}.{field.name}: expressions unsupported")
            values.append(value)
        return values

    @property
    def key(self) -> tuple:
        return (self.model, len(self.objs), self.auto is not None)


def _statement(plans: list[_Plan], connection) -> str:
    """``WITH w0 AS (INSERT ... RETURNING id), w1 AS (INSERT ...) SELECT id FROM w0``: every
    table's rows, the ids of those with an auto-increment key, in the order the rows were
    added. Identifiers come from model metadata (quoted); every value is a parameter."""
    key = tuple(plan.key for plan in plans)
    sql = _sql_cache.get(key)
    if sql is not None:
        return sql
    qn = connection.ops.quote_name
    clauses, reads, taken = [], [], 0
    for n, plan in enumerate(plans):
        columns = ", ".join(qn(field.column) for field in plan.fields)
        rows = []
        for _ in plan.objs:
            values = numbered.placeholders(len(plan.fields), start=taken + 1)
            rows.append("(" + ", ".join(values) + ")")
            taken += len(plan.fields)
        insert = (
            f"INSERT INTO {qn(plan.model._meta.db_table)} ({columns}) "  # noqa: S608
            f"VALUES {', '.join(rows)}"
        )
        if plan.auto is not None:
            insert += f" RETURNING {qn(plan.auto.column)}"
            reads.append(f"SELECT {qn(plan.auto.column)} FROM w{n}")  # noqa: S608
        clauses.append(f"w{n} AS ({insert})")
    tail = " UNION ALL ".join(reads) if reads else "SELECT NULL WHERE false"
    sql = f"WITH {', '.join(clauses)} {tail}"
    _sql_cache[key] = sql
    return sql
