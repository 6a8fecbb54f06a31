# The moved tables take this app's names.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        ("routing", "0005_team_to_org"),
    ]

    operations = [
        migrations.AlterModelTable(name="team", table=None),
        migrations.AlterModelTable(name="agentprofile", table=None),
        migrations.AlterField(
            model_name="agentprofile",
            name="teams",
            field=models.ManyToManyField(blank=True, related_name="agents", to="org.team"),
        ),
    ]
