# Teams and agent profiles moved here from the routing app. Django's model state moves; the
# tables (routing_team, routing_agentprofile, routing_agentprofile_teams) stay as they are
# until 0002 gives them this app's names. Content types follow, so admin permissions and
# history stay attached.
import uuid

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import core.validators


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("team", "agentprofile"):
        if not ContentType.objects.filter(app_label="org", model=model).exists():
            ContentType.objects.filter(app_label="routing", model=model).update(app_label="org")


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("team", "agentprofile"):
        if not ContentType.objects.filter(app_label="routing", model=model).exists():
            ContentType.objects.filter(app_label="org", model=model).update(app_label="routing")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("routing", "0004_learned_triage"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Team",
                    fields=[
                        ("latitude", models.FloatField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(-90), django.core.validators.MaxValueValidator(90)])),
                        ("longitude", models.FloatField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(-180), django.core.validators.MaxValueValidator(180)])),
                        ("timezone", models.CharField(default="UTC", max_length=64, validators=[core.validators.validate_timezone])),
                        ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ("slug", models.SlugField(max_length=64, unique=True)),
                        ("name", models.CharField(max_length=120)),
                        ("capabilities", models.JSONField(blank=True, default=list, help_text="Categories and keywords this team handles, e.g. network, vpn, firewall.", validators=[core.validators.validate_string_list])),
                        ("max_bandwidth", models.PositiveIntegerField(default=20, help_text="How many open tickets the team can carry at once.")),
                        ("status", models.CharField(choices=[("active", "Active"), ("inactive", "Inactive")], default="active", max_length=16)),
                        ("avg_resolution_time_hours", models.FloatField(default=8.0, validators=[django.core.validators.MinValueValidator(0)])),
                        ("sla_compliance_rate", models.FloatField(default=0.9, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(1)])),
                        ("quality_score", models.FloatField(default=0.8, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(1)])),
                        ("cultural_competencies", models.JSONField(blank=True, default=list, help_text="Languages and regions the team serves well, e.g. en, de, apac.", validators=[core.validators.validate_string_list])),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        "ordering": ["name"],
                        "db_table": "routing_team",
                        "indexes": [models.Index(fields=["status"], name="team_status_idx")],
                    },
                ),
                migrations.CreateModel(
                    name="AgentProfile",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("latitude", models.FloatField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(-90), django.core.validators.MaxValueValidator(90)])),
                        ("longitude", models.FloatField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(-180), django.core.validators.MaxValueValidator(180)])),
                        ("timezone", models.CharField(default="UTC", max_length=64, validators=[core.validators.validate_timezone])),
                        ("skills", models.JSONField(blank=True, default=list, validators=[core.validators.validate_string_list])),
                        ("max_capacity", models.PositiveIntegerField(default=10, help_text="How many open tickets this agent can own at once.")),
                        ("is_available", models.BooleanField(default=True, help_text="Off while on leave or off shift; routing skips them.")),
                        ("teams", models.ManyToManyField(blank=True, db_table="routing_agentprofile_teams", related_name="agents", to="org.team")),
                        ("user", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="agent_profile", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={"ordering": ["user__username"], "db_table": "routing_agentprofile"},
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
