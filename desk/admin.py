"""Saved boards, list views and canned responses in the admin."""

from django import forms
from django.contrib import admin

from desk.actions import canned
from desk.models import CannedResponse, KanbanView, SavedTicketView
from desk.placeholders import problems


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


class CannedResponseAdminForm(forms.ModelForm):
    class Meta:
        model = CannedResponse
        fields = ("title", "body", "team")
        help_texts = {"team": "Leave empty for a response of your own."}

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        for problem in problems(body):
            self.add_error("body", problem)
        return body


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    """Canned responses: agents keep their own from the ticket page; every save and delete goes
    through desk.actions.canned (placeholder checks, who may, audit). A response keeps its
    scope: the team (or owner) is chosen when it is created."""

    form = CannedResponseAdminForm
    list_display = ("title", "team", "owner", "updated_at")
    list_filter = ("team",)
    search_fields = ("title", "body")
    list_select_related = ("team", "owner")

    def get_readonly_fields(self, request, obj=None):
        return ("team", "owner") if obj is not None else ()

    def get_fields(self, request, obj=None):
        return ("title", "body", "team", "owner") if obj is not None else ("title", "body", "team")

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        if change:
            saved = canned.update_response(
                actor=request.user, response_id=obj.pk, title=data["title"], body=data["body"]
            )
        else:
            saved = canned.create_response(
                actor=request.user, title=data["title"], body=data["body"], team=data.get("team")
            )
        obj.pk = saved.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj) -> None:
        canned.delete_response(actor=request.user, response_id=obj.pk)

    def delete_queryset(self, request, queryset) -> None:
        for response in queryset:
            canned.delete_response(actor=request.user, response_id=response.pk)
