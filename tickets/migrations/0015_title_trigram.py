"""A trigram index on the ticket's title (under the UPPER() that icontains compares), so that
ticket search finds fragments of title words ("printe", "netw") on PostgreSQL without reading
every title. pg_trgm is there since migration search_vectors (TrigramExtension). SQLite has no
such index: tickets.search matches substrings there."""

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.db import migrations


class AddIndexOnPostgres(migrations.AddIndex):
    """A GIN index, created on PostgreSQL only; the migration state has it either way."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0014_list_indexes"),
    ]

    operations = [
        AddIndexOnPostgres(
            model_name="ticket",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("title"), name="gin_trgm_ops"
                ),
                name="ticket_title_trgm",
            ),
        ),
    ]
