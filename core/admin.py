"""The kernel's tables in the admin: the audit log, readable by admins and never changed."""

from django.contrib import admin

from core.admin_mixins import AppendOnlyAdminMixin
from core.models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    """Append-only: readable, never editable or deletable, by anyone."""

    list_display = ("at", "action", "actor", "ticket_id", "object_type", "object_id")
    list_filter = ("action", "at")
    search_fields = ("action", "object_id")
    list_select_related = ("actor",)
