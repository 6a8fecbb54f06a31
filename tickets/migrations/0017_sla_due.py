"""The ticket carries its SLA clock's running resolution due time (``sla_due``, kept by
tickets.actions.scores), with an index per direction of the list's SLA order: the list no
longer joins every clock and sorts them at a million tickets. The backfill is one UPDATE ...
FROM. The indexes are PostgreSQL's (SQLite refuses NULLS LAST in an index; the state has them
either way)."""

from django.conf import settings
from django.db import migrations, models

from core.migration_ops import AddIndexOnPostgres


def copy_running_due_times(apps, schema_editor):
    """Each ticket's clock's resolution due time unless the clock has stopped (resolution
    met), as sla.timing.running_due decides: one statement (PostgreSQL, SQLite 3.33+)."""
    ticket = apps.get_model("tickets", "Ticket")._meta.db_table
    clock = apps.get_model("sla", "SLAClock")._meta.db_table
    qn = schema_editor.quote_name
    schema_editor.execute(
        f"UPDATE {qn(ticket)} SET sla_due = c.resolution_due FROM {qn(clock)} AS c "  # noqa: S608
        f"WHERE c.ticket_id = {qn(ticket)}.id AND c.resolution_met_at IS NULL "
        "AND c.resolution_due IS NOT NULL"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0004_merge_0003_semantic_triage_0003_team_leads"),
        ("sla", "0005_slaclock_upgraded"),
        ("tickets", "0016_merge_20261203_1421"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="sla_due",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(copy_running_due_times, migrations.RunPython.noop, elidable=True),
        AddIndexOnPostgres(
            model_name="ticket",
            index=models.Index(
                models.OrderBy(models.F("sla_due"), nulls_last=True),
                models.F("id"),
                include=("team", "owner", "status"),
                name="ticket_sla_due_order_idx",
            ),
        ),
        AddIndexOnPostgres(
            model_name="ticket",
            index=models.Index(
                models.OrderBy(models.F("sla_due"), descending=True, nulls_last=True),
                models.F("id"),
                include=("team", "owner", "status"),
                name="ticket_sla_due_desc_idx",
            ),
        ),
    ]
