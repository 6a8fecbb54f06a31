"""Every word staff find a ticket by, as one document (issue 18; PostgreSQL only).

A GIN expression index over ``search_vector || public_words || internal_words`` (the title and
description, and the public and internal timeline entries' words), the very expression of
tickets.search.StaffDocument: the words of a staff search of several words meet inside one GIN
scan (``@@ 'print & slow'``), where a bitmap OR per word of the three columns' GIN scans,
ANDed, built every word's matches in full (two common words at 1,000,000 tickets: 130 ms, the
one scan 10 ms). No column is added and no row rewritten: the index is built from the columns
there are (12.5 s at 1,000,000 tickets). SQLite: nothing (tickets.search matches substrings).
"""

from django.db import migrations

STAFF_WORDS = """
CREATE INDEX ticket_staff_words_gin ON tickets_ticket USING gin ((search_vector
    || COALESCE(public_words, ''::tsvector) || COALESCE(internal_words, ''::tsvector)))
"""


class RunSQLOnPostgres(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0018_owner_order_index"),
    ]

    operations = [
        RunSQLOnPostgres(sql=STAFF_WORDS, reverse_sql="DROP INDEX ticket_staff_words_gin"),
    ]
