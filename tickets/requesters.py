"""Requesters: the people tickets are for (contacts, with a login when they sign in to the
portal) and the companies they belong to, each with a service tier, their e-mail domains and
their id in the CRM (``crm_id``; the CRM is ITSM_CRM_NAME's). Models of the tickets app
(tickets.models imports them)."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper

from org.models import Location


class Tier(models.TextChoices):
    STANDARD = "standard", "Standard"
    PREMIUM = "premium", "Premium"
    VIP = "vip", "VIP"


CRM_ID_HELP = "Its id in the CRM (ITSM_CRM_NAME, e.g. HubSpot); unique where set."


class Company(models.Model):
    name = models.CharField(max_length=200, unique=True)
    tier = models.CharField(max_length=16, choices=Tier.choices, default=Tier.STANDARD)
    # NULL, not "", for none: unique only where set.
    crm_id = models.CharField(max_length=100, null=True, blank=True, help_text=CRM_ID_HELP)  # noqa: DJ001
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "companies"
        constraints = [
            models.UniqueConstraint(
                fields=["crm_id"], condition=Q(crm_id__isnull=False), name="company_crm_id_uniq"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CompanyDomain(models.Model):
    """An e-mail domain of a company's people (lower case; one company per domain): a new
    requester at it (or, with ITSM_COMPANY_MATCH_SUBDOMAINS, at a subdomain) joins the
    company (tickets.companies)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class Contact(Location):
    """A requester. With a linked user the contact can sign in and see their own tickets."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200, blank=True)
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    tier = models.CharField(max_length=16, choices=Tier.choices, default=Tier.STANDARD)
    # NULL, not "", for none: unique only where set.
    crm_id = models.CharField(max_length=100, null=True, blank=True, help_text=CRM_ID_HELP)  # noqa: DJ001
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["email"]
        indexes = [
            # PostgreSQL only (migration search_vectors): the ticket search finds
            # requesters by part of their name or e-mail, under icontains's UPPER().
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="contact_name_trgm"),
            GinIndex(OpClass(Upper("email"), name="gin_trgm_ops"), name="contact_email_trgm"),
            # The ticket list's requester filter compares e-mails case-insensitively: this
            # gives the planner the values' statistics (one row, not a guessed 0.5% of them).
            models.Index(Upper("email"), name="contact_email_upper_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["crm_id"], condition=Q(crm_id__isnull=False), name="contact_crm_id_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email

    @property
    def effective_tier(self) -> str:
        """The better of the contact's own tier and their company's."""
        order = [Tier.STANDARD, Tier.PREMIUM, Tier.VIP]
        tiers = [self.tier] + ([self.company.tier] if self.company_id else [])
        return max(tiers, key=order.index)
