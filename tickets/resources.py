"""Contacts (requesters) as CSV rows (django-import-export), found by e-mail address and
written through tickets.actions.contacts; see core.imports for why."""

from import_export import fields

from core.exceptions import DomainValidationError
from core.imports import ActionResource
from tickets.actions import contacts
from tickets.models import Company, Contact


class ContactResource(ActionResource):
    email = fields.Field(attribute="email", column_name="email")
    name = fields.Field(attribute="name", column_name="name")
    tier = fields.Field(attribute="tier", column_name="tier")
    company = fields.Field(attribute="company__name", column_name="company")
    timezone = fields.Field(attribute="timezone", column_name="timezone")

    class Meta:
        model = Contact
        import_id_fields = ("email",)
        fields = ("email", "name", "tier", "company", "timezone")
        use_transactions = True

    def get_queryset(self):
        return Contact.objects.select_related("company")

    def get_instance(self, instance_loader, row):
        # Addresses are one person whatever their case (contacts.get_or_create_contact).
        email = (row.get("email") or "").strip()
        return self.get_queryset().filter(email__iexact=email).first() if email else None

    def write(self, *, instance: Contact | None, values: dict, actor) -> Contact:
        changes = {name: values[name] for name in ("name", "tier", "timezone") if values.get(name)}
        if "company" in values:
            changes["company"] = _company(values["company"])
        if instance is None:
            instance = contacts.create_contact(
                actor=actor,
                email=values.get("email") or "",
                name=changes.pop("name", ""),
                tier=changes.pop("tier", "standard"),
            )
        if not changes:
            return instance
        return contacts.update_contact(actor=actor, contact_id=instance.pk, changes=changes)


def _company(name: str | None) -> Company | None:
    """The company of that name; an empty cell is none. A file does not create companies."""
    if not name:
        return None
    company = Company.objects.filter(name__iexact=name.strip()).first()
    if company is None:
        raise DomainValidationError({"company": [f"Unknown company: {name.strip()}."]})
    return company
