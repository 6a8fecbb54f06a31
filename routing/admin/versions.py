"""The page of earlier versions of a configuration set (the rule set, the scoring weights):
every recorded change, newest first, each with a button that restores the whole set as it was
right after it (through routing.actions.history, which writes through the usual actions)."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from core import config_history
from core.exceptions import DomainValidationError

SHOWN = 100


def versions_view(model_admin, *, object_type: str, restore: Callable, title: str):
    opts = model_admin.model._meta
    changelist = f"admin:{opts.app_label}_{opts.model_name}_changelist"

    def view(request):
        if not model_admin.has_change_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            try:
                change_id = int(request.POST.get("change", ""))
                written = restore(actor=request.user, change_id=change_id)
            except ValueError:
                messages.error(request, "Choose a version to restore.")
            except DomainValidationError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request, f"Restored the version of change #{change_id} ({written} written)."
                )
                return redirect(changelist)
        changes = config_history.changes_of([object_type])[:SHOWN]
        context = {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "opts": opts,
            "rows": [
                {"change": change, "fields": config_history.changed_fields(change)}
                for change in changes
            ],
        }
        return TemplateResponse(request, "admin/routing/versions.html", context)

    return view
