from django import forms
from django.contrib import admin, messages

from core.admin_mixins import ConfigHistoryAdminMixin
from integrations.actions.dispatch import retry_dead_letters
from integrations.actions.inbound_email import poll_mailbox
from integrations.actions.keys import create_api_key
from integrations.models import (
    ApiKey,
    DeadLetter,
    HandlerEndpoint,
    IdempotencyRecord,
    ImportedComment,
    InboundEmail,
    Mailbox,
    OutboundDelivery,
    SourceConfig,
    WebhookDelivery,
)
from integrations.plugins import handler_names


@admin.register(ApiKey)
class ApiKeyAdmin(ConfigHistoryAdminMixin, admin.ModelAdmin):
    history_exclude = ("hashed_key",)  # never a secret in the history
    list_display = ("name", "source", "prefix", "is_active", "rate_per_minute", "last_used_at")
    list_filter = ("source", "is_active")
    search_fields = ("name", "source", "prefix")
    readonly_fields = ("prefix", "created_by", "created_at", "last_used_at")
    fields = ("name", "source", "is_active", "rate_per_minute", *readonly_fields)

    def save_model(self, request, obj: ApiKey, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        key, raw = create_api_key(source=obj.source, name=obj.name, created_by=request.user)
        if obj.rate_per_minute != key.rate_per_minute or not obj.is_active:
            ApiKey.objects.filter(pk=key.pk).update(
                rate_per_minute=obj.rate_per_minute, is_active=obj.is_active
            )
        obj.__dict__.update(ApiKey.objects.get(pk=key.pk).__dict__)
        self.message_user(
            request,
            f"The new key (shown once, store it now): {raw}",
            messages.WARNING,
        )


# --- write-only secrets ----------------------------------------------------------------------


class WriteOnlySecretsForm(forms.ModelForm):
    """Secret fields are never rendered back: blank keeps the stored value, and a
    ``clear_<field>`` box removes it."""

    secret_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in self.secret_fields:
            field = self.fields[name]
            field.widget = forms.PasswordInput(render_value=False)
            field.required = False
            stored = bool(self.instance.pk and getattr(self.instance, name))
            field.help_text = (
                "Stored (never shown). Leave blank to keep it." if stored else "Not set."
            )

    def clean(self) -> dict:
        data = super().clean()
        for name in self.secret_fields:
            if data.get(f"clear_{name}"):
                data[name] = ""
            elif not data.get(name) and self.instance.pk:
                data[name] = getattr(self.instance, name)
        return data


class SourceConfigForm(WriteOnlySecretsForm):
    secret_fields = ("signing_secret",)
    clear_signing_secret = forms.BooleanField(required=False, label="Remove the signing secret")

    class Meta:
        model = SourceConfig
        fields = ("source", "signing_secret", "require_signature")

    def clean(self) -> dict:
        data = super().clean()
        if data.get("require_signature") and not data.get("signing_secret"):
            raise forms.ValidationError("Requiring signatures needs a signing secret.")
        return data


@admin.register(SourceConfig)
class SourceConfigAdmin(admin.ModelAdmin):
    form = SourceConfigForm
    list_display = ("source", "require_signature", "has_secret", "updated_at")
    fields = ("source", "signing_secret", "clear_signing_secret", "require_signature")

    @admin.display(boolean=True, description="Secret set")
    def has_secret(self, obj: SourceConfig) -> bool:
        return bool(obj.signing_secret)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "source", "status_code", "outcome", "reason", "ticket")
    list_filter = ("outcome", "source", "status_code")
    search_fields = ("reason", "idempotency_key", "key_prefix", "ticket__reference")
    list_select_related = ("ticket",)
    date_hierarchy = "received_at"


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyAdmin):
    list_display = ("source", "key", "ticket", "created_at")
    list_filter = ("source",)
    search_fields = ("key",)
    list_select_related = ("ticket",)


@admin.register(ImportedComment)
class ImportedCommentAdmin(ReadOnlyAdmin):
    """Source comments already on a timeline (what makes re-sent comments harmless)."""

    list_display = ("ticket", "key", "entry")
    search_fields = ("key", "ticket__reference")
    list_select_related = ("ticket", "entry")


# --- outbound ----------------------------------------------------------------------------------


class HandlerEndpointForm(WriteOnlySecretsForm):
    secret_fields = ("secret", "signing_secret")
    clear_secret = forms.BooleanField(required=False, label="Remove the password / token")
    clear_signing_secret = forms.BooleanField(required=False, label="Remove the signing secret")
    handler = forms.ChoiceField(choices=())
    url = forms.URLField(max_length=500, assume_scheme="https")

    class Meta:
        model = HandlerEndpoint
        fields = (
            "name",
            "handler",
            "url",
            "enabled",
            "sources",
            "auth_method",
            "username",
            "secret",
            "signing_secret",
            "options",
            "timeout_seconds",
            "max_attempts",
        )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handler"].choices = [(name, name) for name in handler_names()]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError("Only http(s) URLs.")
        return url

    def clean_sources(self):
        sources = self.cleaned_data.get("sources") or []
        if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
            raise forms.ValidationError('A list of source names, e.g. ["servicenow"].')
        return sources


@admin.register(HandlerEndpoint)
class HandlerEndpointAdmin(admin.ModelAdmin):
    form = HandlerEndpointForm
    list_display = ("name", "handler", "url", "enabled", "auth_method", "max_attempts")
    list_filter = ("handler", "enabled")
    fields = (
        "name",
        "handler",
        "url",
        "enabled",
        "sources",
        "auth_method",
        "username",
        "secret",
        "clear_secret",
        "signing_secret",
        "clear_signing_secret",
        "options",
        "timeout_seconds",
        "max_attempts",
    )


@admin.action(description="Retry the selected dead letters")
def retry_selected(modeladmin, request, queryset) -> None:
    count = retry_dead_letters(
        delivery_ids=list(queryset.values_list("pk", flat=True)), actor=request.user
    )
    modeladmin.message_user(request, f"{count} delivery(ies) queued again.", messages.SUCCESS)


@admin.register(OutboundDelivery)
class OutboundDeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "endpoint",
        "ticket_reference",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
    )
    list_filter = ("status", "endpoint")
    list_select_related = ("endpoint", "decision__ticket")
    readonly_fields = ("last_error",)
    actions = [retry_selected]

    @admin.display(description="Ticket")
    def ticket_reference(self, obj: OutboundDelivery) -> str:
        return obj.decision.ticket.reference


@admin.register(DeadLetter)
class DeadLetterAdmin(OutboundDeliveryAdmin):
    list_display = ("updated_at", "endpoint", "ticket_reference", "attempts", "last_error")
    list_filter = ("endpoint",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=OutboundDelivery.Status.DEAD)


# --- inbound e-mail --------------------------------------------------------------------------


class MailboxForm(WriteOnlySecretsForm):
    secret_fields = ("password",)
    clear_password = forms.BooleanField(required=False, label="Remove the password")

    class Meta:
        model = Mailbox
        fields = ("name", "host", "port", "use_ssl", "username", "password", "folder", "enabled")


@admin.action(description="Poll the selected mailboxes now")
def poll_selected(modeladmin, request, queryset) -> None:
    taken = sum(poll_mailbox(mailbox_id=pk) for pk in queryset.values_list("pk", flat=True))
    modeladmin.message_user(request, f"{taken} message(s) taken.", messages.SUCCESS)


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = ("name", "host", "port", "username", "folder", "enabled", "last_polled_at")
    fields = (
        "name",
        "host",
        "port",
        "use_ssl",
        "username",
        "password",
        "clear_password",
        "folder",
        "enabled",
        "last_polled_at",
        "last_error",
    )
    readonly_fields = ("last_polled_at", "last_error")
    actions = [poll_selected]


@admin.register(InboundEmail)
class InboundEmailAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "from_address", "subject", "outcome", "reason", "ticket")
    list_filter = ("outcome", "mailbox")
    search_fields = ("subject", "from_address", "message_id")
    list_select_related = ("ticket",)
