"""Migration operations that run on PostgreSQL only while the migration state stays the same
on every database: indexes SQLite has no use for or refuses (GIN, trigram, NULLS LAST) and SQL
in PostgreSQL's dialect (functions, triggers). SQLite, the embedded default, gets the state
and no statement; the code that reads them falls back there (tickets.search, kb.search)."""

from django.db import migrations


class _OnPostgres:
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class AddIndexOnPostgres(_OnPostgres, migrations.AddIndex):
    """An index created on PostgreSQL only; the state has it on every database."""


class RunSQLOnPostgres(_OnPostgres, migrations.RunSQL):
    """SQL run on PostgreSQL only."""
