"""Shared admin pieces."""

from django.contrib import messages
from django.db import router, transaction
from django.http import HttpResponseRedirect

from core import config_history
from core.exceptions import DomainError, DomainValidationError


def describe_refusal(error: DomainError) -> str:
    """An action's refusal in one line: a validation error's messages, or its own words."""
    if isinstance(error, DomainValidationError):
        return " ".join(m for messages_ in error.errors.values() for m in messages_)
    return str(error)


class ActionRefusalsMixin:
    """A save whose actions run in ``save_formset`` (inlines the forms cannot judge, such as a
    task added to a resolved ticket) may be refused there, and a delete by its action (a team
    that came into use between the confirmation page and the click): the admin's transaction
    rolls all of it back, and the page says why instead of failing. Put it first among an
    admin class's bases."""

    def _refused(self, request, error: DomainError, what: str):
        self.message_user(request, f"{what}: {describe_refusal(error)}", messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:
            return self._refused(request, error, "Nothing was saved")

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as error:
            return self._refused(request, error, "Nothing was deleted")

    def changelist_view(self, request, extra_context=None):
        if request.method != "POST":
            return super().changelist_view(request, extra_context)
        try:
            # Django runs a list's actions outside a transaction: what the delete action
            # records before it deletes (history, the admin's log) would stay after a refusal.
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().changelist_view(request, extra_context)
        except DomainError as error:  # an action of the list (delete selected) refused
            return self._refused(request, error, "Nothing was changed")


class ReadOnlyAdminMixin:
    """Rows written only by actions (or never changed): listed and shown, not edited here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class AppendOnlyAdminMixin(ReadOnlyAdminMixin):
    """Rows that must never go away either (audit trails, counters)."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ConfigHistoryAdminMixin:
    """Configuration with a history (core.config_history): the object's History page lists
    every change (who, when, each field before and after). Put it first among an admin
    class's bases to join. With ``record_config_history`` (the default) what this admin saves
    and deletes is recorded, in the admin's transaction, after the owning app's action ran;
    an app whose actions record the changes themselves (routing) turns it off, so changes
    through the API and the commands are recorded too. ``history_exclude`` names fields that
    never go into the history (secrets, key hashes)."""

    record_config_history = True
    history_exclude: tuple[str, ...] = ()
    object_history_template = "admin/config_history.html"

    def config_snapshot(self, obj) -> dict:
        return config_history.snapshot(obj, exclude=self.history_exclude)

    def _stored_snapshot(self, pk) -> dict | None:
        stored = self.model._default_manager.filter(pk=pk).first() if pk is not None else None
        return self.config_snapshot(stored) if stored is not None else None

    def _record(self, request, obj, before, after) -> None:
        config_history.record_change(
            actor=request.user,
            object_type=config_history.label_of(self.model),
            object_id=obj.pk,
            object_repr=str(obj),
            before=before,
            after=after,
            note="admin",
        )

    # The hooks below run on every path that writes (change form, list_editable, delete view,
    # delete action) and are seldom overridden, unlike save_model, which calls the actions.
    def save_form(self, request, form, change):
        if not self.record_config_history:
            return super().save_form(request, form, change)
        adding = form.instance._state.adding
        before = None if adding else self._stored_snapshot(form.instance.pk)
        obj = super().save_form(request, form, change)
        request.__dict__.setdefault("_config_before", {})[id(obj)] = before
        return obj

    def _record_saved(self, request, obj) -> None:
        pending = request.__dict__.get("_config_before", {})
        if self.record_config_history and id(obj) in pending:
            self._record(request, obj, pending.pop(id(obj)), self._stored_snapshot(obj.pk))

    def log_addition(self, request, obj, message):
        self._record_saved(request, obj)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._record_saved(request, obj)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        """Called just before the rows go, in the same request (Django's contract)."""
        if self.record_config_history:
            for obj in queryset:
                self._record(request, obj, self.config_snapshot(obj), None)
        return super().log_deletions(request, queryset)

    def history_view(self, request, object_id, extra_context=None):
        changes = config_history.history_of(config_history.label_of(self.model), object_id)
        rows = [
            {"change": change, "fields": config_history.changed_fields(change)}
            for change in changes[:200]
        ]
        context = {"config_changes": rows, **(extra_context or {})}
        return super().history_view(request, object_id, context)
