"""The kernel's tables in the admin: the audit log and the history of configuration, readable by
admins and never changed."""

from django.contrib import admin

from core.admin_mixins import AppendOnlyAdminMixin
from core.models import AuditLog, ConfigChange


@admin.register(AuditLog)
class AuditLogAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    """Append-only: readable, never editable or deletable, by anyone."""

    list_display = ("at", "action", "actor", "ticket_id", "object_type", "object_id")
    list_filter = ("action", "at")
    search_fields = ("action", "object_id")
    list_select_related = ("actor",)


@admin.register(ConfigChange)
class ConfigChangeAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    """Every configuration change in one list (each object's History page shows its own);
    restoring is done from the owning model's "Earlier versions" page."""

    list_display = ("id", "at", "actor", "object_type", "object_repr", "kind", "note")
    list_filter = ("object_type", "kind")
    search_fields = ("object_repr", "object_id", "note")
    list_select_related = ("actor",)
