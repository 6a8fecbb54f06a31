"""Shared admin pieces."""


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
