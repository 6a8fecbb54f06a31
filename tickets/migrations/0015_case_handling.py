"""Case handling (issue 21): a ticket's ``vip`` flag in its score, repeat contacts, CRM ids on
contacts and companies, and companies' e-mail domains as a list of rows (the single
``Company.domain`` moved into it, lower case)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class AddColumnInPlace(migrations.AddField):
    """On SQLite, ALTER TABLE ADD COLUMN with a constant default instead of Django's table
    rebuild: the rebuild would re-create the ticket table's PostgreSQL-only GIN indexes, which
    the state holds (tickets 0011) and SQLite cannot build."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "sqlite":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        field = model._meta.get_field(self.name)
        table = schema_editor.quote_name(model._meta.db_table)
        column = schema_editor.quote_name(field.column)
        default = schema_editor.quote_value(
            field.get_db_prep_value(field.get_default(), schema_editor.connection)
        )
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} {field.db_type(schema_editor.connection)} "
            f"NOT NULL DEFAULT {default}"
        )


def domains_into_rows(apps, schema_editor):
    Company = apps.get_model("tickets", "Company")
    CompanyDomain = apps.get_model("tickets", "CompanyDomain")
    seen = set()
    rows = []
    for company_id, domain in Company.objects.exclude(domain="").values_list("pk", "domain"):
        domain = domain.strip().lstrip("@").rstrip(".").lower()
        if domain and domain not in seen:  # one company per domain: the first keeps it
            seen.add(domain)
            rows.append(CompanyDomain(company_id=company_id, domain=domain))
    CompanyDomain.objects.bulk_create(rows)


def rows_into_domains(apps, schema_editor):
    Company = apps.get_model("tickets", "Company")
    for company in Company.objects.prefetch_related("domains"):
        first = next(iter(company.domains.all()), None)
        if first is not None:
            Company.objects.filter(pk=company.pk).update(domain=first.domain)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0014_list_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CompanyDomain",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("domain", models.CharField(max_length=253, unique=True)),
            ],
            options={
                "ordering": ["domain"],
            },
        ),
        migrations.CreateModel(
            name="RepeatContact",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "score",
                    models.FloatField(help_text="The KB's similarity of the two texts, 0-1."),
                ),
                (
                    "matched_by",
                    models.CharField(
                        choices=[("requester", "Requester"), ("company", "Company")], max_length=16
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "ordering": ["created_at"],
            },
        ),
        migrations.AddField(
            model_name="company",
            name="crm_id",
            field=models.CharField(
                blank=True,
                help_text="Its id in the CRM (ITSM_CRM_NAME, e.g. HubSpot); unique where set.",
                max_length=100,
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="contact",
            name="crm_id",
            field=models.CharField(
                blank=True,
                help_text="Its id in the CRM (ITSM_CRM_NAME, e.g. HubSpot); unique where set.",
                max_length=100,
                null=True,
            ),
        ),
        AddColumnInPlace(
            model_name="ticket",
            name="vip_flagged",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddConstraint(
            model_name="company",
            constraint=models.UniqueConstraint(
                condition=models.Q(("crm_id__isnull", False)),
                fields=("crm_id",),
                name="company_crm_id_uniq",
            ),
        ),
        migrations.AddConstraint(
            model_name="contact",
            constraint=models.UniqueConstraint(
                condition=models.Q(("crm_id__isnull", False)),
                fields=("crm_id",),
                name="contact_crm_id_uniq",
            ),
        ),
        migrations.AddField(
            model_name="companydomain",
            name="company",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="domains",
                to="tickets.company",
            ),
        ),
        migrations.RunPython(domains_into_rows, rows_into_domains),
        migrations.RemoveField(
            model_name="company",
            name="domain",
        ),
        migrations.AddField(
            model_name="repeatcontact",
            name="original",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="repeat_contacts",
                to="tickets.ticket",
            ),
        ),
        migrations.AddField(
            model_name="repeatcontact",
            name="ticket",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="repeat_of",
                to="tickets.ticket",
            ),
        ),
        migrations.AddIndex(
            model_name="repeatcontact",
            index=models.Index(fields=["original", "created_at"], name="repeat_original_idx"),
        ),
        migrations.AddConstraint(
            model_name="repeatcontact",
            constraint=models.CheckConstraint(
                condition=models.Q(("ticket", models.F("original")), _negated=True),
                name="repeat_not_itself",
            ),
        ),
    ]
