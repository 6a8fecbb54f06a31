# Saved boards and list views moved to the desk app (the agent workspace). Only Django's model
# state moves here; desk's migrations adopt the tables.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0008_team_to_org"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="KanbanView"),
                migrations.DeleteModel(name="SavedTicketView"),
            ],
            database_operations=[],
        ),
    ]
