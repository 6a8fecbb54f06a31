"""Every word staff find a ticket by, as one document (issue 18; PostgreSQL only).

A GIN expression index over ``search_vector || public_words || internal_words`` (the title and
description, and the public and internal timeline entries' words), the very expression of
tickets.search.StaffDocument. Whether a staff search of several words has few enough results
to rank is first settled by the tickets holding every word, counted from one scan of it: the
words meet inside the index (``@@ 'print & slow'``), where the results' own count built each
word's bitmaps over three columns in full (two common words at 1,000,000 tickets: 117 ms of
158; the scan 10-19 ms). No column is added and no row rewritten: the index is built from the
columns there are (12.5 s at 1,000,000 tickets, load 1; 38 s at load 5-7), writes to the
ticket table wait meanwhile. SQLite: nothing (tickets.search matches substrings).
"""

from django.db import migrations

from core.migration_ops import RunSQLOnPostgres

STAFF_WORDS = """
CREATE INDEX ticket_staff_words_gin ON tickets_ticket USING gin ((search_vector
    || COALESCE(public_words, ''::tsvector) || COALESCE(internal_words, ''::tsvector)))
"""


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0018_owner_order_index"),
    ]

    operations = [
        RunSQLOnPostgres(sql=STAFF_WORDS, reverse_sql="DROP INDEX ticket_staff_words_gin"),
    ]
