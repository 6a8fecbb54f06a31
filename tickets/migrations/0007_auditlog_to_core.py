# The audit log moved to the kernel (core.AuditLog). Only Django's model state moves here; the
# table stays, core's migrations adopt it.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0006_saved_ticket_views_and_board_lanes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditLog")],
            database_operations=[],
        ),
    ]
