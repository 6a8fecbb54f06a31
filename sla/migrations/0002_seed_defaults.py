"""The 24x7 and business-hours calendars, the default policy and one policy per priority
(VIP tighter). Idempotent: rows that exist are left as the admin changed them."""

from django.db import migrations

from sla.defaults import seed


def forwards(apps, schema_editor):
    seed(
        apps.get_model("sla", "SLAPolicy"),
        apps.get_model("sla", "BusinessCalendar"),
        apps.get_model("sla", "WorkingHours"),
    )


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
