"""A ticket's timeline words are the words people wrote (issue 18; PostgreSQL only).

``public_words`` and ``internal_words`` (migration search_vectors) took every timeline entry,
the system's own lines too ("Routed to Network by rule VPN", "SLA clock started"). Those lines
are the product's, not the ticket's: searched, they found every ticket routed to a team (the
team filter's job), and each one rewrote the ticket row from its trigger. A ticket's first
second wrote three or four of them, each a row version of the widest table with its GIN
indexes: 0.21 ms of PostgreSQL a line, 0.75 ms a ticket, about a fifth of PostgreSQL's time
per ticket created and delivered (pg_stat_statements, docs/benchmarks.md "Search words from
what people wrote"). The trigger and the functions now pass over system entries (type
``system``), as tickets.search does on SQLite, and every ticket's words are recomputed once
(one pass over the timeline, as migration search_vectors's backfill). SQLite: nothing.
"""

import importlib

from django.db import migrations

from core.migration_ops import RunSQLOnPostgres

# The three functions as migration search_vectors wrote them (a module name cannot be imported
# with ``import``: it starts with a digit).
search_vectors = importlib.import_module("tickets.migrations.0011_search_vectors")

# A system line inserted, deleted or edited (the product never edits one) changes no ticket's
# words: the row is left as it is.
SKIP_SYSTEM = """
    IF (TG_OP = 'INSERT' AND NEW.type = 'system')
        OR (TG_OP = 'DELETE' AND OLD.type = 'system')
        OR (TG_OP = 'UPDATE' AND OLD.type = 'system' AND NEW.type = 'system') THEN
        RETURN NULL;
    END IF;
"""


def _replacing(function: str) -> str:
    return function.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)


def _changed(sql: str, *edits: tuple[str, str]) -> str:
    for old, new in edits:
        if old not in sql:
            raise ValueError(f"{old!r} is not in the function")
        sql = sql.replace(old, new)
    return sql


PEOPLE_ONLY = " AND type <> 'system'"
# Every ticket with a timeline is recomputed, one with system lines only to no words: the
# filter is inside each aggregate, not on the rows grouped.
PEOPLE = (
    _replacing(
        _changed(
            search_vectors.ENTRY_WORDS_OF,
            ("visibility = shown", "visibility = shown" + PEOPLE_ONLY),
        )
    )
    + _replacing(
        _changed(
            search_vectors.REFRESH_WORDS,
            ("(WHERE visibility = 'public')", f"(WHERE visibility = 'public'{PEOPLE_ONLY})"),
            ("(WHERE visibility = 'internal')", f"(WHERE visibility = 'internal'{PEOPLE_ONLY})"),
        )
    )
    + _replacing(_changed(search_vectors.TIMELINE_WORDS, ("BEGIN\n", "BEGIN" + SKIP_SYSTEM)))
    # Hidden words must go now, not at each ticket's next timeline change.
    + "SELECT tickets_refresh_words();"
)
EVERY_ENTRY = (
    _replacing(search_vectors.ENTRY_WORDS_OF)
    + _replacing(search_vectors.REFRESH_WORDS)
    + _replacing(search_vectors.TIMELINE_WORDS)
    + "SELECT tickets_refresh_words();"
)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0019_search_words"),
    ]

    operations = [
        RunSQLOnPostgres(sql=PEOPLE, reverse_sql=EVERY_ENTRY),
    ]
