# Team moved to the org app: the foreign keys point there (state only; the columns stay).
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0007_auditlog_to_core"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="ticket",
                    name="team",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="tickets", to="org.team"),
                ),
                migrations.AlterField(
                    model_name="kanbanview",
                    name="team",
                    field=models.ForeignKey(blank=True, help_text="Set for a view shared with a team.", null=True, on_delete=django.db.models.deletion.CASCADE, related_name="kanban_views", to="org.team"),
                ),
                migrations.AlterField(
                    model_name="savedticketview",
                    name="team",
                    field=models.ForeignKey(blank=True, help_text="Set for a view shared with a team.", null=True, on_delete=django.db.models.deletion.CASCADE, related_name="saved_ticket_views", to="org.team"),
                ),
            ],
            database_operations=[],
        ),
    ]
