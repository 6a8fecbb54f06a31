"""Reads that run on every request, with their SQL built once per process.

Django compiles a queryset into SQL each time it runs: for a one-row read with a join or a
subquery (the signed-in user with their role, an API key, a requester with their company) the
compiling cost more CPU than PostgreSQL spent answering (docs/benchmarks.md, "Creating a
ticket"). A ``CompiledQuery`` has Django compile the queryset once per database alias, with
placeholder values, and then sends that SQL with the values of each call. The rows become model
instances through Django's own machinery (converters, ``from_db``, select_related and
annotations), so an instance is the one the queryset would have given.

Only for querysets whose SQL does not depend on the values (plain equality and ``iexact``
lookups; no ``__in`` lists, no ``None`` that turns ``=`` into ``IS NULL``): each placeholder
value must reach the parameters unchanged and exactly once, which compiling checks.
"""

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

_sample_ids = itertools.count(1)


def placeholder(kind: type) -> Any:
    """A value of this type that no real call passes, to find its position in the SQL's
    parameters."""
    n = next(_sample_ids)
    if kind is int:
        # Within a 32-bit integer column's range: Django answers nothing for a value outside.
        return -2_147_000_000 - n
    if kind is str:
        return f"\x1fcompiled-placeholder-{n}\x1f"
    raise TypeError(f"No placeholder for {kind!r}")


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    positions: tuple[int, ...]  # where each call value goes in ``params``
    select: list
    klass_info: dict
    annotation_col_map: dict
    # {position: (converters, expression)}: each converter is called with the connection of
    # the call (those of a backend's operations are alike for every connection of an alias).
    converters: dict
    init_names: list[str]
    populators: list  # select_related's, made once as ModelIterable makes them once a query


class CompiledQuery:
    """``build(*values)`` makes the queryset; ``kinds`` are the types of the values (int or
    str). ``first(*values)`` runs it and returns the first instance or None."""

    def __init__(self, build: Callable[..., QuerySet], *kinds: type) -> None:
        self.build = build
        self.kinds = kinds
        self._compiled: dict[str, _Compiled] = {}
        self._model: type[Model] | None = None
        self._lock = threading.Lock()

    def first(self, *values) -> Model | None:
        if self._model is None:
            self._model = self.build(*(placeholder(kind) for kind in self.kinds)).model
        alias = router.db_for_read(self._model)
        compiled = self._compiled.get(alias) or self._compile(alias)
        params = list(compiled.params)
        for position, value in zip(compiled.positions, values, strict=True):
            params[position] = value
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchmany(1)
        if not rows:
            return None
        return self._instance(compiled, connection, rows)

    def _compile(self, alias: str) -> _Compiled:
        with self._lock:
            if alias in self._compiled:
                return self._compiled[alias]
            samples = [placeholder(kind) for kind in self.kinds]
            query = self.build(*samples).using(alias)[:1].query
            compiler = query.get_compiler(using=alias)
            sql, params = compiler.as_sql()
            positions = []
            for sample in samples:
                found = [i for i, param in enumerate(params) if param == sample]
                if len(found) != 1:
                    raise ValueError(f"A value must appear once in the SQL's parameters: {sql}")
                positions.append(found[0])
            fields = compiler.klass_info["select_fields"]
            start, end = fields[0], fields[-1] + 1
            compiled = _Compiled(
                sql=sql,
                params=tuple(params),
                positions=tuple(positions),
                select=compiler.select,
                klass_info=compiler.klass_info,
                annotation_col_map=compiler.annotation_col_map,
                converters=compiler.get_converters(
                    [column[0] for column in compiler.select[: compiler.col_count]]
                ),
                init_names=[column[0].target.attname for column in compiler.select[start:end]],
                populators=get_related_populators(compiler.klass_info, compiler.select, alias),
            )
            self._compiled[alias] = compiled
            return compiled

    @staticmethod
    def _instance(compiled: _Compiled, connection, rows) -> Model:
        """The first row as ModelIterable makes it (converters, select_related, annotations)."""
        row = list(rows[0])
        for position, (converters, expression) in compiled.converters.items():
            value = row[position]
            for converter in converters:
                value = converter(value, expression, connection)
            row[position] = value
        klass_info = compiled.klass_info
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        instance = klass_info["model"].from_db(
            connection.alias, compiled.init_names, row[start:end]
        )
        for populator in compiled.populators:
            populator.populate(row, instance)
        for name, position in compiled.annotation_col_map.items():
            setattr(instance, name, row[position])
        return instance
