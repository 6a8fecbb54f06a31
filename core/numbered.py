"""Long statements sent with numbered placeholders (``$1, $2, ...``) on PostgreSQL.

psycopg turns a statement's ``%s`` placeholders into PostgreSQL's numbered ones by scanning its
text with a regular expression, and keeps the result only for statements under 4,096
characters and 50 parameters. A hundred rows of twenty columns (a batch of decisions, clocks
or events; core.inserts, core.bulk) are scanned again at every run, which cost about as much
CPU as building the rows (docs/benchmarks.md, "Delivery cost per ticket"). psycopg's
``RawCursor`` takes the numbered form as it is; Django wraps it as any cursor, so query
logging, ``execute_wrapper`` and the query-count assertions see the statement.

For statements whose rows are read back as plain values (ids): the raw cursor has the
connection's adapters, not a time zone of its own.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from django.db.backends.utils import CursorDebugWrapper


def placeholders(count: int, *, start: int = 1) -> list[str]:
    """``$start``, ``$start+1``, ... ``count`` of them."""
    return [f"${n}" for n in range(start, start + count)]


@contextmanager
def cursor(connection) -> Iterator:
    """A Django cursor (PostgreSQL only) that sends statements written with ``$n``."""
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        raw = psycopg.RawCursor(connection.connection)
    wrapped = _Logged(raw, connection) if connection.queries_logged else connection.make_cursor(raw)
    with wrapped:
        yield wrapped


class _Logged(CursorDebugWrapper):
    """Logs the statement as sent: Django's log would rebuild it with its values through a
    client-side cursor, which knows only ``%s``."""

    def debug_sql(self, sql=None, params=None, use_last_executed_query=False, many=False):
        return super().debug_sql(sql, params, use_last_executed_query=False, many=many)
