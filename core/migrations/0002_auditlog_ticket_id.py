# An audit row keeps its ticket's id, not a foreign key: the kernel knows no ticket model, and
# deleting a ticket no longer rewrites (nulls) its history. The table gets the kernel's name.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditlog",
            name="ticket",
            field=models.UUIDField(blank=True, db_column="ticket_id", db_index=True, null=True),
        ),
        migrations.RenameField(model_name="auditlog", old_name="ticket", new_name="ticket_id"),
        migrations.AlterField(
            model_name="auditlog",
            name="ticket_id",
            field=models.UUIDField(blank=True, db_index=True, null=True),
        ),
        migrations.AlterModelTable(name="auditlog", table=None),
    ]
