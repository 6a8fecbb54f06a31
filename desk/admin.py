"""Saved boards and list views in the admin."""

from django.contrib import admin

from desk.models import KanbanView, SavedTicketView


@admin.register(KanbanView)
class KanbanViewAdmin(admin.ModelAdmin):
    """Saved boards (agents save their own from /board/)."""

    list_display = ("name", "owner", "team", "column_field", "swimlane_field", "wip_mode", "sort")
    list_filter = ("column_field", "wip_mode")
    search_fields = ("name",)
    list_select_related = ("owner", "team")
    raw_id_fields = ("owner",)


@admin.register(SavedTicketView)
class SavedTicketViewAdmin(admin.ModelAdmin):
    """Saved ticket-list filters (agents save their own from /tickets/)."""

    list_display = ("name", "owner", "team", "query", "created_at")
    search_fields = ("name", "query")
    list_select_related = ("owner", "team")
    raw_id_fields = ("owner",)
