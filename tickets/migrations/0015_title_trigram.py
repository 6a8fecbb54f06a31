"""A trigram index on the ticket's title (under the UPPER() that icontains compares), so that
ticket search finds fragments of title words ("printe", "netw") on PostgreSQL without reading
every title. pg_trgm is there since migration search_vectors (TrigramExtension). SQLite has no
such index: tickets.search matches substrings there."""

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.db import migrations

from core.migration_ops import AddIndexOnPostgres


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
