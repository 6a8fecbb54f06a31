"""Admin: preferences, quiet hours, team chat channels, message templates, the delivery queue
(with its failures, and actions to retry or cancel through the actions), in-app
notifications and satisfaction ratings."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from notifications.actions import queue
from notifications.models import (
    MessageTemplate,
    Notification,
    NotificationPreference,
    NotificationQueue,
    QueueStatus,
    QuietHours,
    SatisfactionRating,
    TeamChannel,
)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "event_type", "email", "in_app", "teams", "slack", "timing")
    list_filter = ("event_type", "timing", "email", "in_app", "teams", "slack")
    search_fields = ("user__username", "user__email")
    autocomplete_fields = ("user",)
    list_select_related = ("user",)


@admin.register(QuietHours)
class QuietHoursAdmin(admin.ModelAdmin):
    list_display = ("user", "start", "end", "enabled", "agent_timezone")
    list_filter = ("enabled",)
    search_fields = ("user__username", "user__email")
    autocomplete_fields = ("user",)
    list_select_related = ("user__agent_profile",)

    @admin.display(description="Time zone")
    def agent_timezone(self, obj) -> str:
        profile = getattr(obj.user, "agent_profile", None)
        return profile.timezone if profile else "UTC"


@admin.register(TeamChannel)
class TeamChannelAdmin(admin.ModelAdmin):
    list_display = ("team", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("team__name", "team__slug")
    autocomplete_fields = ("team",)
    list_select_related = ("team",)


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ("event_type", "subject", "is_active", "updated_at")
    list_filter = ("is_active",)
    search_fields = ("subject", "body")


@admin.register(NotificationQueue)
class NotificationQueueAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "event_type",
        "channel",
        "timing",
        "recipient",
        "ticket",
        "status",
        "attempts",
        "scheduled_for",
        "short_error",
    )
    list_filter = ("status", "channel", "timing", "event_type")
    search_fields = ("to_email", "ticket__reference", "last_error")
    date_hierarchy = "created_at"
    list_select_related = ("ticket", "team_channel__team")
    readonly_fields = [field.name for field in NotificationQueue._meta.fields]
    actions = ("retry", "cancel")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="To")
    def recipient(self, obj: NotificationQueue) -> str:
        return obj.to_email or str(obj.team_channel or "")

    @admin.display(description="Last error")
    def short_error(self, obj: NotificationQueue) -> str:
        return obj.last_error[:80]

    @admin.action(description="Retry selected failed or cancelled messages")
    def retry(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queue.retry_queued(
            queue_ids=list(queryset.values_list("pk", flat=True)), actor=request.user
        )
        self.message_user(request, f"{count} message(s) queued again.", messages.SUCCESS)

    @admin.action(description="Cancel selected pending messages")
    def cancel(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queue.cancel_queued(
            queue_ids=list(
                queryset.filter(status=QueueStatus.PENDING).values_list("pk", flat=True)
            ),
            actor=request.user,
        )
        self.message_user(request, f"{count} message(s) cancelled.", messages.SUCCESS)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "event_type", "title", "ticket", "read_at")
    list_filter = ("event_type", ("read_at", admin.EmptyFieldListFilter))
    search_fields = ("title", "user__username", "user__email", "ticket__reference")
    date_hierarchy = "created_at"
    list_select_related = ("user", "ticket")
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(admin.ModelAdmin):
    list_display = ("ticket", "rating", "contact", "created_at")
    list_filter = ("rating",)
    search_fields = ("ticket__reference", "contact__email", "comment")
    list_select_related = ("ticket", "contact")
    readonly_fields = ("ticket", "contact", "rating", "comment", "created_at", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
