# The moved tables take this app's names.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("desk", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelTable(name="kanbanview", table=None),
        migrations.AlterModelTable(name="savedticketview", table=None),
    ]
