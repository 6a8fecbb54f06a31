"""Team load counted in slots (issue 18): a transaction writes its changes to its own slot's
rows, so transactions routing to one team no longer wait for each other's commit
(tickets/load_triggers.py says how a slot is claimed). The first triggers (migration
team_load) are dropped, the key gains ``slot``, the new triggers are installed and the counts
rebuilt, each key in slot 0. Backwards, the counts are rebuilt one row per key before the
column goes, and the first triggers come back."""

import importlib

from django.db import migrations, models

from tickets import load_triggers

# A module name that starts with a digit cannot be imported with ``import``.
first = importlib.import_module("tickets.migrations.0013_team_load")


def drop_first_triggers(apps, schema_editor):
    first.uninstall(apps, schema_editor)


def restore_first_triggers(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for statement in first.POSTGRESQL if postgresql else first.SQLITE:
        schema_editor.execute(statement)


def install_slot_triggers(apps, schema_editor):
    load_triggers.install(schema_editor)


def fold_and_uninstall(apps, schema_editor):
    load_triggers.uninstall(schema_editor)
    load_triggers.recount(schema_editor.connection)  # one row per key, in slot 0
    if schema_editor.connection.vendor == "postgresql":
        # The rows' deferred foreign key checks run now: PostgreSQL refuses to alter a table
        # with checks pending, and the next operations alter this one.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0004_merge_0003_semantic_triage_0003_team_leads"),
        ("tickets", "0020_search_words_people_wrote"),
    ]

    operations = [
        migrations.RunPython(drop_first_triggers, restore_first_triggers),
        migrations.RemoveConstraint(
            model_name="teamload",
            name="teamload_team_status_priority",
        ),
        migrations.AddField(
            model_name="teamload",
            name="slot",
            field=models.PositiveSmallIntegerField(db_default=0),
        ),
        migrations.AddConstraint(
            model_name="teamload",
            constraint=models.UniqueConstraint(
                fields=("team", "status", "priority", "slot"),
                name="teamload_team_status_priority_slot",
            ),
        ),
        migrations.RunPython(install_slot_triggers, fold_and_uninstall),
    ]
