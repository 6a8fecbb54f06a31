"""A change list's inline edits without a query a row. Django's model formset checks each
posted row's id with a ModelChoiceField, whose ``to_python`` reads the row again
(``queryset.get``: one query a row, 30 for a page of 30), although the formset has read the
posted rows already, in one query, to build the forms (``_existing_object``). The id field here
looks the row up there. An id that is not among them is refused as Django refuses it."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseModelFormSet


class _ReadRowField(forms.ModelChoiceField):
    def __init__(self, *args, find, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.find = find

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        found = self.find(value)
        if found is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return found


class ReadOnceFormSet(BaseModelFormSet):
    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        name = self._pk_field.name
        field = form.fields[name]
        form.fields[name] = _ReadRowField(
            field.queryset,
            initial=field.initial,
            required=field.required,
            widget=field.widget,
            find=self._posted_row,
        )

    def _posted_row(self, value):
        try:
            pk = self._get_to_python(self.model._meta.pk)(value)
        except ValidationError:
            return None
        return self._existing_object(pk)


class ReadOnceChangelistMixin:
    """For an admin with ``list_editable``: its change list's save reads the rows once."""

    def get_changelist_formset(self, request, **kwargs):
        return super().get_changelist_formset(request, **{"formset": ReadOnceFormSet, **kwargs})
