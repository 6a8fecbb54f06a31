"""Envelopes in the admin: read and filtered here (status, team, age), written through
escalations.actions (the cancel action); opened by the owner from the ticket."""

from datetime import timedelta

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from core.admin_mixins import describe_refusal
from core.exceptions import DomainError
from escalations.actions import envelopes
from escalations.lifecycle import OPEN_ENVELOPE_STATUSES
from escalations.models import Envelope, EscalationRuleFiring
from tickets.admin import TicketAdmin
from tickets.models import Task, TimelineEntry


class AgeFilter(admin.SimpleListFilter):
    """How long ago the envelope was opened."""

    title = "age"
    parameter_name = "age"
    HOURS = {"1h": 1, "4h": 4, "24h": 24, "72h": 72}

    def lookups(self, request, model_admin):
        return [(key, f"Open for more than {hours} h") for key, hours in self.HOURS.items()]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        hours = self.HOURS.get(self.value() or "")
        if hours is None:
            return queryset
        return queryset.filter(created_at__lte=timezone.now() - timedelta(hours=hours))


class ThreadInline(admin.TabularInline):
    """The envelope's thread, read-only (entries are written through the actions)."""

    model = TimelineEntry
    fk_name = "envelope"
    fields = ("created_at", "type", "author", "content")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "thread entry"
    verbose_name_plural = "thread"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class EnvelopeTaskInline(admin.TabularInline):
    model = Task
    fk_name = "envelope"
    fields = ("title", "assigned_to", "status", "due_date")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Envelope)
class EnvelopeAdmin(admin.ModelAdmin):
    list_display = ("ticket", "status", "team", "agent", "assigned_to", "created_at", "age")
    list_filter = ("status", "team", AgeFilter, "created_at")
    search_fields = ("ticket__reference", "reason", "team__name", "agent__email")
    list_select_related = ("ticket", "team", "agent", "assigned_to")
    readonly_fields = (
        "ticket",
        "requested_by",
        "team",
        "agent",
        "assigned_to",
        "reason",
        "status",
        "summary",
        "created_at",
        "accepted_at",
        "closed_at",
        "updated_at",
    )
    fields = readonly_fields
    inlines = (ThreadInline, EnvelopeTaskInline)
    actions = ("cancel_envelopes",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False  # the ticket's owner opens envelopes (open_envelope)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="open for")
    def age(self, envelope: Envelope) -> str:
        if envelope.status not in OPEN_ENVELOPE_STATUSES:
            return "-"
        hours = (timezone.now() - envelope.created_at).total_seconds() / 3600
        return f"{hours:.1f} h"

    @admin.action(description="Cancel selected envelopes")
    def cancel_envelopes(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = 0
        for envelope in queryset:
            try:
                envelopes.cancel_envelope(envelope_id=envelope.pk, actor=request.user)
                done += 1
            except DomainError as error:
                self.message_user(request, f"{envelope}: {describe_refusal(error)}", messages.ERROR)
        if done:
            self.message_user(request, f"{done} envelope(s) cancelled.", messages.SUCCESS)


@admin.register(EscalationRuleFiring)
class EscalationRuleFiringAdmin(admin.ModelAdmin):
    """Which escalation.age_exceeded rule fired for which envelope (each once)."""

    list_display = ("rule", "envelope", "fired_at")
    list_filter = ("rule", "fired_at")
    search_fields = ("rule__name", "envelope__ticket__reference")
    list_select_related = ("rule", "envelope__ticket")
    readonly_fields = ("rule", "envelope", "fired_at", "actions")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class EnvelopeInline(admin.TabularInline):
    """The ticket's envelopes, read-only, with a link to each."""

    model = Envelope
    fk_name = "ticket"
    fields = ("status", "team", "agent", "assigned_to", "reason", "created_at", "closed_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# The ticket's admin page lists its envelopes too (escalations depends on tickets, not the
# other way round).
if EnvelopeInline not in TicketAdmin.inlines:
    TicketAdmin.inlines = (*TicketAdmin.inlines, EnvelopeInline)
