"""CSV import and export (django-import-export) whose writes are the owning app's actions.

Why resources that call the actions, not the library's own ``instance.save()``: the actions
hold the rules (a slug or address taken in another case, an unknown team, who may add a
contact), write the audit row and lock the row; a second copy of those rules here would drift.
So the library parses the file, finds each row's existing object by its natural key, runs the
dry run and draws the preview; each row is then written by ``ActionResource.write``, which calls
the action. The dry run calls the same actions inside the import's transaction and rolls it
back, so the preview shows what the import will do, the actions' refusals included. A refused
row is a validation error of that row; with one, the whole import is rolled back
(``ActionImportMixin``), at the dry run and at the confirm step alike."""

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.html import format_html
from import_export import resources, widgets
from import_export.formats.base_formats import CSV

from core.exceptions import DomainValidationError, NotPermitted
from core.tag_input import split_tags


class TagsWidget(widgets.Widget):
    """A JSON list of strings as one cell: ``vpn, network``."""

    def clean(self, value, row=None, **kwargs) -> list[str]:
        return split_tags(value)

    def render(self, value, obj=None, **kwargs) -> str:
        return ", ".join(value or [])


class SlugsWidget(widgets.Widget):
    """A many-to-many relation as the related rows' slugs: ``network, apps``. Import gives the
    slugs; the action says whether they exist."""

    def clean(self, value, row=None, **kwargs) -> list[str]:
        return split_tags(value)

    def render(self, value, obj=None, **kwargs) -> str:
        return "" if value is None else ", ".join(sorted(item.slug for item in value.all()))


class PlainDiff(resources.Diff):
    """The preview's changes as <del>/<ins> without the inline styles diff-match-patch writes
    (the site's Content-Security-Policy applies no inline style; static/css/imports.css does)."""

    def as_html(self) -> list[str]:
        cells = []
        for before, after in zip(self.left, self.right, strict=False):
            before = "" if self.new else before
            if before == after:
                cells.append(format_html("{}", after))
            elif not before:
                cells.append(format_html("<ins>{}</ins>", after))
            else:
                cells.append(format_html("<del>{}</del> <ins>{}</ins>", before, after))
        return cells


class ActionResource(resources.ModelResource):
    """A resource whose rows are written by ``write`` (an action); subclasses define it."""

    def get_diff_class(self):
        return PlainDiff

    def write(self, *, instance: Model | None, values: dict, actor) -> Model:
        """Create (``instance`` None) or change the row through the owning app's action. Only
        the columns present in the file are in ``values``. An abstract hook (ModelResource's
        metaclass rules out abc): each resource names its app's action here."""
        raise NotImplementedError(f"{type(self).__name__} names no action to write its rows.")

    def import_instance(self, instance, row, **kwargs) -> None:
        values, errors = {}, {}
        for field in self.get_import_fields():
            if field.column_name not in row:
                continue  # a file may carry some columns only: the others stay as they are
            try:
                values[field.column_name] = field.clean(row, **kwargs)
            except ValueError as error:
                errors[field.column_name] = ValidationError(str(error))
        if errors:
            raise ValidationError(errors)
        instance._import_values = values

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # The action validates, exactly as it does for every other door (see write).
        if import_validation_errors:
            raise ValidationError(import_validation_errors)

    def save_instance(self, instance, is_create, row, **kwargs) -> None:
        if not kwargs.get("using_transactions") and kwargs.get("dry_run"):
            return  # nothing to roll back with: a dry run without a transaction writes nothing
        try:
            saved = self.write(
                instance=None if is_create else instance,
                values=instance._import_values,
                actor=kwargs.get("user"),
            )
        except DomainValidationError as error:
            raise ValidationError(error.errors) from error
        except NotPermitted as error:
            raise ValidationError(str(error)) from error
        # The preview, the row result and the admin log read the row as the action wrote it.
        instance.__dict__.update(saved.__dict__)

    def save_m2m(self, instance, row, **kwargs) -> None:
        """The actions set the relations themselves."""


class ActionImportMixin:
    """Admin side: CSV in and out; any refused row rolls the whole import back."""

    import_formats = [CSV]
    export_formats = [CSV]

    def get_import_data_kwargs(self, **kwargs) -> dict:
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        kwargs["use_transactions"] = True
        return kwargs
