"""Admin screens of the ticket domain. Every write that has a rule goes through the ticket
actions (tickets.actions); the ticket page's inlines and forms are in tickets.admin_forms."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from import_export.admin import ImportExportMixin

from core.admin_mixins import (
    ActionRefusalsMixin,
    AppendOnlyAdminMixin,
    ReadOnlyAdminMixin,
    describe_refusal,
)
from core.exceptions import DomainError
from core.imports import ActionImportMixin
from tickets import admin_case  # noqa: F401  (companies, domains, repeat contacts)
from tickets.actions import creation, flags, lifecycle, ownership, tasks, timeline, updates
from tickets.admin_forms import (
    CaseFlagInline,
    TaskInline,
    TicketAdminForm,
    TimelineEntryInline,
    TransferForm,
)
from tickets.lifecycle import TaskStatus
from tickets.models import (
    Attachment,
    CaseFlag,
    Contact,
    ReferenceCounter,
    Task,
    TeamLoad,
    TeamLoadTotal,
    Ticket,
    TimelineEntry,
    TimeSpent,
)
from tickets.resources import ContactResource

User = get_user_model()


@admin.register(Contact)
class ContactAdmin(ActionImportMixin, ImportExportMixin, admin.ModelAdmin):
    resource_classes = [ContactResource]
    list_display = ("email", "name", "company", "tier", "user")
    list_filter = ("tier", "company")
    search_fields = ("email", "name", "company__name")
    autocomplete_fields = ("company", "user")
    list_select_related = ("company", "user")


@admin.register(Ticket)
class TicketAdmin(ActionRefusalsMixin, admin.ModelAdmin):
    form = TicketAdminForm
    list_display = (
        "reference",
        "title",
        "status",
        "priority",
        "team",
        "owner",
        "requester",
        "created_at",
    )
    list_filter = ("status", "priority", "type", "team", "source", "created_at")
    search_fields = ("reference", "title", "description", "requester__email", "external_id")
    autocomplete_fields = ("requester", "team")
    list_select_related = ("team", "owner", "requester")
    readonly_fields = (
        "reference",
        "status",
        "owner",
        "priority_score",
        "created_at",
        "updated_at",
        "accepted_at",
        "resolved_at",
        "closed_at",
        "resolution",
    )
    fieldsets = (
        (None, {"fields": ("reference", "type", "status", "title", "description")}),
        (
            "Classification",
            {"fields": ("category", "priority", "urgency", "impact", "priority_score")},
        ),
        ("People", {"fields": ("requester", "team", "owner")}),
        ("Source", {"fields": ("source", "external_id", "external_metadata")}),
        (
            "Lifecycle",
            {
                "fields": (
                    "created_at",
                    "updated_at",
                    "accepted_at",
                    "resolved_at",
                    "closed_at",
                    "resolution",
                )
            },
        ),
    )
    inlines = (TimelineEntryInline, TaskInline, CaseFlagInline)
    actions = ("close_tickets", "reopen_tickets", "transfer_ownership")
    date_hierarchy = "created_at"

    def save_model(self, request: HttpRequest, obj: Ticket, form, change: bool) -> None:
        data = form.cleaned_data
        if change:
            changes = {
                name: data[name] for name in form.changed_data if name in updates.UPDATABLE_FIELDS
            }
            saved = updates.update_ticket(ticket_id=obj.pk, actor=request.user, changes=changes)
        else:
            saved = creation.create_ticket(
                actor=request.user,
                data=creation.NewTicket(
                    title=data["title"],
                    requester_email=data["requester"].email,
                    description=data.get("description", ""),
                    type=data["type"],
                    category=data.get("category", ""),
                    priority=data.get("priority") or None,
                    urgency=data.get("urgency", ""),
                    impact=data.get("impact", ""),
                    source=data["source"],
                    external_id=data.get("external_id", ""),
                    external_metadata=data.get("external_metadata") or {},
                    team=data.get("team"),
                ),
            )
        # The inlines and the admin's redirect hold `obj`: make it the row the action wrote.
        obj.__dict__.update(saved.__dict__)

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        ticket: Ticket = form.instance
        if formset.model is TimelineEntry:
            for entry in formset.save(commit=False):
                timeline.add_timeline_entry(
                    ticket_id=ticket.pk,
                    actor=request.user,
                    type=entry.type,
                    visibility=entry.visibility,
                    content=entry.content,
                )
        elif formset.model is Task:
            for task in formset.save(commit=False):
                tasks.create_task(
                    ticket_id=ticket.pk,
                    actor=request.user,
                    title=task.title,
                    assigned_to=task.assigned_to,
                    due_date=task.due_date,
                )
        elif formset.model is CaseFlag:
            for flag in formset.save(commit=False):
                flags.add_flag(
                    ticket_id=ticket.pk, actor=request.user, kind=flag.kind, note=flag.note
                )
            for flag in formset.deleted_objects:
                flags.remove_flag(ticket_id=ticket.pk, actor=request.user, kind=flag.kind)
        else:
            super().save_formset(request, form, formset, change)

    def _apply(self, request: HttpRequest, tickets: QuerySet, action, verb: str) -> None:
        done = 0
        for ticket in tickets:
            try:
                action(ticket_id=ticket.pk, actor=request.user)
                done += 1
            except DomainError as error:
                self.message_user(
                    request, f"{ticket.reference}: {describe_refusal(error)}", messages.ERROR
                )
        if done:
            self.message_user(request, f"{done} ticket(s) {verb}.", messages.SUCCESS)

    @admin.action(description="Close selected resolved tickets")
    def close_tickets(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._apply(request, queryset, lifecycle.close_ticket, "closed")

    @admin.action(description="Reopen selected resolved tickets")
    def reopen_tickets(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._apply(request, queryset, lifecycle.reopen_ticket, "reopened")

    @admin.action(description="Transfer ownership (departed or absent agent)")
    def transfer_ownership(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        form = TransferForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done = 0
            for ticket in queryset:
                try:
                    ownership.transfer_ownership(
                        ticket_id=ticket.pk,
                        actor=request.user,
                        to_user=form.cleaned_data["to"],
                        reason=form.cleaned_data["reason"],
                    )
                    done += 1
                except DomainError as error:
                    self.message_user(
                        request, f"{ticket.reference}: {describe_refusal(error)}", messages.ERROR
                    )
            if done:
                self.message_user(request, f"{done} ticket(s) transferred.", messages.SUCCESS)
            return None
        return TemplateResponse(
            request,
            "admin/tickets/ticket/transfer.html",
            {
                **self.admin_site.each_context(request),
                "title": "Transfer ownership",
                "form": form,
                "tickets": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(TimelineEntry)
class TimelineEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Entries are written through the ticket; here they are read and searched."""

    list_display = ("ticket", "type", "visibility", "author", "created_at")
    list_filter = ("type", "visibility", "created_at")
    search_fields = ("content", "ticket__reference")
    list_select_related = ("ticket", "author")
    readonly_fields = ("ticket", "type", "visibility", "author", "author_contact", "content")


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("title", "ticket", "assigned_to", "status", "due_date")
    list_filter = ("status", "due_date", "ticket__team")
    search_fields = ("title", "ticket__reference")
    list_select_related = ("ticket", "assigned_to")
    autocomplete_fields = ("ticket", "assigned_to", "created_by")
    readonly_fields = ("status", "completed_at")
    actions = ("mark_in_progress", "mark_done", "mark_cancelled")

    def has_add_permission(self, request) -> bool:
        return False  # tasks are added on their ticket, through create_task

    def _set_status(self, request, queryset, status: str) -> None:
        done = 0
        for task in queryset:
            try:
                tasks.set_task_status(task_id=task.pk, actor=request.user, status=status)
                done += 1
            except DomainError as error:
                self.message_user(request, f"{task}: {describe_refusal(error)}", messages.ERROR)
        if done:
            self.message_user(request, f"{done} task(s) now {status}.", messages.SUCCESS)

    @admin.action(description="Mark in progress")
    def mark_in_progress(self, request, queryset) -> None:
        self._set_status(request, queryset, TaskStatus.IN_PROGRESS)

    @admin.action(description="Mark done")
    def mark_done(self, request, queryset) -> None:
        self._set_status(request, queryset, TaskStatus.DONE)

    @admin.action(description="Cancel")
    def mark_cancelled(self, request, queryset) -> None:
        self._set_status(request, queryset, TaskStatus.CANCELLED)


@admin.register(CaseFlag)
class CaseFlagAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("ticket", "kind", "created_by", "created_at")
    list_filter = ("kind",)
    search_fields = ("ticket__reference", "note")
    list_select_related = ("ticket", "created_by")


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: files come in through the ticket API; downloads go through the API's
    visibility-checking view, never a public URL."""

    list_display = ("filename", "ticket", "visibility", "size", "uploaded_by", "created_at")
    list_filter = ("visibility", "created_at")
    search_fields = ("filename", "ticket__reference")
    list_select_related = ("ticket", "uploaded_by")
    exclude = ("file",)
    readonly_fields = (
        "ticket",
        "filename",
        "content_type",
        "size",
        "visibility",
        "uploaded_by",
        "created_at",
    )


@admin.register(ReferenceCounter)
class ReferenceCounterAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("prefix", "year", "last_value")


@admin.register(TeamLoadTotal)
class TeamLoadTotalAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    """A team's tickets per status and priority, as routing weighs them: the slots below
    summed by a view, one row a key."""

    list_display = ("team", "status", "priority", "tickets")
    list_display_links = None  # a view's row has no page of its own
    list_filter = ("status", "priority", "team")
    search_fields = ("team__name", "team__slug")
    list_select_related = ("team",)
    ordering = ("team__name", "status", "priority")
    show_full_result_count = False  # a second sum over the table for the same number


@admin.register(TeamLoad)
class TeamLoadAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    """The database's triggers keep these counts (tickets/load_triggers.py); a deleted row
    would leave routing a team's load short, so none is edited or deleted here. On
    PostgreSQL a (team, status, priority) may have a row per slot, one per transaction that
    wrote at the same time as another; its count is their sum (Team loads shows it), and one
    slot's may be below zero."""

    list_display = ("team", "status", "priority", "slot", "tickets")
    list_filter = ("status", "priority")
    search_fields = ("team__name", "team__slug")
    list_select_related = ("team",)


@admin.register(TimeSpent)
class TimeSpentAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    """Minutes logged in the composer (tickets.actions.compose): read here, summed in analytics."""

    list_display = ("ticket", "agent", "team", "minutes", "created_at")
    list_filter = ("team",)
    list_select_related = ("ticket", "agent", "team")
    date_hierarchy = "created_at"
