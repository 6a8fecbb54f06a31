# Team moved to the org app: the foreign key points there (state only; the column stays).
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="teamchannel",
                    name="team",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="chat_channels", to="org.team"),
                ),
            ],
            database_operations=[],
        ),
    ]
