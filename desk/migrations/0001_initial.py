# Saved boards and list views, adopted from the tickets app with their tables (renamed in 0002)
# and content types.
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("kanbanview", "savedticketview"):
        if not ContentType.objects.filter(app_label="desk", model=model).exists():
            ContentType.objects.filter(app_label="tickets", model=model).update(app_label="desk")


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("kanbanview", "savedticketview"):
        if not ContentType.objects.filter(app_label="tickets", model=model).exists():
            ContentType.objects.filter(app_label="desk", model=model).update(app_label="tickets")


LANE_CHOICES = [("", "None"), ("priority", "Priority"), ("team", "Team"), ("owner", "Agent")]
COLUMN_CHOICES = [("status", "Status"), ("priority", "Priority"), ("team", "Team"), ("owner", "Agent")]


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("org", "0002_own_tables"),
        ("tickets", "0009_views_to_desk"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="KanbanView",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=120)),
                        ("column_field", models.CharField(choices=COLUMN_CHOICES, default="status", max_length=16)),
                        ("swimlane_field", models.CharField(blank=True, choices=LANE_CHOICES, default="", max_length=16)),
                        ("filters", models.CharField(blank=True, help_text="Ticket filters as a query string: priority=high.", max_length=1000)),
                        ("wip_limits", models.JSONField(blank=True, default=dict, help_text='Per column value, e.g. {"in_progress": 5}.')),
                        ("wip_mode", models.CharField(choices=[("soft", "Soft (warn)"), ("hard", "Hard (refuse)")], default="soft", max_length=8)),
                        ("sort", models.CharField(choices=[("priority", "Priority score"), ("created", "Creation"), ("sla_due", "SLA due")], default="priority", max_length=16)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("owner", models.ForeignKey(blank=True, help_text="Set for an agent's own view.", null=True, on_delete=django.db.models.deletion.CASCADE, related_name="kanban_views", to=settings.AUTH_USER_MODEL)),
                        ("team", models.ForeignKey(blank=True, help_text="Set for a view shared with a team.", null=True, on_delete=django.db.models.deletion.CASCADE, related_name="kanban_views", to="org.team")),
                    ],
                    options={
                        "ordering": ["name", "id"],
                        "db_table": "tickets_kanbanview",
                        "constraints": [
                            models.CheckConstraint(condition=models.Q(("owner__isnull", False), ("team__isnull", False), _connector="OR"), name="kanbanview_owner_or_team")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="SavedTicketView",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=120)),
                        ("query", models.CharField(blank=True, help_text="Ticket filters as a query string: priority=high.", max_length=1000)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("owner", models.ForeignKey(help_text="Who saved it; only they delete it.", on_delete=django.db.models.deletion.CASCADE, related_name="saved_ticket_views", to=settings.AUTH_USER_MODEL)),
                        ("team", models.ForeignKey(blank=True, help_text="Set for a view shared with a team.", null=True, on_delete=django.db.models.deletion.CASCADE, related_name="saved_ticket_views", to="org.team")),
                    ],
                    options={
                        "ordering": ["name", "id"],
                        "db_table": "tickets_savedticketview",
                        "constraints": [
                            models.UniqueConstraint(fields=("owner", "name"), name="savedticketview_owner_name")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
