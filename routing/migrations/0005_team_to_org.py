# Team and AgentProfile moved to the org app (org.0001 adopted their tables): routing's own
# foreign keys point there, and the models leave routing's state. No table changes here.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("routing", "0004_learned_triage"),
        ("org", "0001_initial"),
        ("tickets", "0008_team_to_org"),
        ("escalations", "0002_team_to_org"),
        ("notifications", "0002_team_to_org"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="allocationdecision",
                    name="team",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="decisions", to="org.team"),
                ),
                migrations.AlterField(
                    model_name="teammetrics",
                    name="team",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="measured_metrics", to="org.team"),
                ),
                migrations.DeleteModel(name="AgentProfile"),
                migrations.DeleteModel(name="Team"),
            ],
            database_operations=[],
        ),
    ]
