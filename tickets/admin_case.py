"""Admin screens of case handling: companies (name, tier, CRM id and e-mail domains, written
through tickets.actions.companies, the same checks as the API), their domains and the repeat
contacts (both read only: written by the company form and tickets.actions.repeats)."""

from django import forms
from django.contrib import admin
from django.db.models import Prefetch

from core.admin_mixins import AppendOnlyAdminMixin
from core.exceptions import DomainValidationError
from tickets.actions import companies
from tickets.models import Company, CompanyDomain, RepeatContact


class CompanyForm(forms.ModelForm):
    domain_list = forms.CharField(
        label="E-mail domains",
        required=False,
        help_text="Separated by commas or spaces, e.g. acme.com, acme.co.uk. New requesters at "
        "these domains (and their subdomains) join the company.",
    )

    class Meta:
        model = Company
        fields = ("name", "tier", "crm_id")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            domains = self.instance.domains.values_list("domain", flat=True)
            self.initial["domain_list"] = ", ".join(domains)

    def clean(self) -> dict:
        data = super().clean()
        wanted = {name: data.get(name) for name in ("name", "tier", "crm_id")}
        wanted["domains"] = (data.get("domain_list") or "").replace(",", " ").split()
        try:
            self.cleaned_changes = companies.clean_company(wanted, self.instance.pk)
        except DomainValidationError as error:
            for name, messages in error.errors.items():
                self.add_error("domain_list" if name == "domains" else name, messages)
        return data

    def validate_unique(self) -> None:
        pass  # clean_company checks name and CRM id (case-insensitively)


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    form = CompanyForm
    list_display = ("name", "tier", "crm_id", "domain_names")
    list_filter = ("tier",)
    search_fields = ("name", "domains__domain", "crm_id")

    def get_queryset(self, request):
        domains = Prefetch("domains", queryset=CompanyDomain.objects.order_by("domain"))
        return super().get_queryset(request).prefetch_related(domains)

    @admin.display(description="Domains")
    def domain_names(self, company: Company) -> str:
        return ", ".join(row.domain for row in company.domains.all())

    def save_model(self, request, obj: Company, form: CompanyForm, change: bool) -> None:
        changes = form.cleaned_changes
        if change:
            saved = companies.update_company(actor=request.user, company_id=obj.pk, changes=changes)
        else:
            saved = companies.create_company(actor=request.user, **changes)
        obj.__dict__.update(saved.__dict__)


@admin.register(CompanyDomain)
class CompanyDomainAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("domain", "company")
    search_fields = ("domain", "company__name")
    list_select_related = ("company",)


@admin.register(RepeatContact)
class RepeatContactAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("ticket", "original", "score", "matched_by", "created_at")
    list_filter = ("matched_by",)
    search_fields = ("ticket__reference", "original__reference")
    list_select_related = ("ticket", "original")
