"""The team load as the admin shows it: a view summing TeamLoad's slots (migration
team_load_slots), one row a (team, status, priority) whose count is not zero. The same SQL on
PostgreSQL and SQLite."""

import django.db.models.deletion
from django.db import migrations, models

CREATE_VIEW = """
CREATE VIEW tickets_teamload_total AS
SELECT MIN(id) AS id, team_id, status, priority, SUM(tickets) AS tickets
FROM tickets_teamload
GROUP BY team_id, status, priority
HAVING SUM(tickets) <> 0
"""
DROP_VIEW = "DROP VIEW tickets_teamload_total"


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0004_merge_0003_semantic_triage_0003_team_leads"),
        ("tickets", "0021_team_load_slots"),
    ]

    operations = [
        migrations.RunSQL(CREATE_VIEW, DROP_VIEW),
        migrations.CreateModel(
            name="TeamLoadTotal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("status", models.CharField(max_length=16)),
                ("priority", models.CharField(max_length=16)),
                ("tickets", models.IntegerField()),
                (
                    "team",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="org.team",
                    ),
                ),
            ],
            options={
                "verbose_name": "team load",
                "db_table": "tickets_teamload_total",
                "managed": False,
            },
        ),
        migrations.AlterModelOptions(
            name="teamload",
            options={"verbose_name": "team load slot"},
        ),
    ]
