"""The new-ticket form (requesters and staff) and the portal's reply form: every field labelled,
bad input answered field by field. The forms validate shapes only; tickets.actions decides."""

from django import forms
from django.core.cache import cache

from routing.models import TriageKeyword
from tickets.models import Ticket, TicketType

# ITIL urgency as the priority matrix reads it (tickets.priority.derive_priority: 1 highest).
URGENCY_CHOICES = [
    ("", "Not sure"),
    ("1", "High: I cannot work"),
    ("2", "Medium: my work is hampered"),
    ("3", "Low: an inconvenience"),
]
CATEGORIES_KEY = "desk:portal-categories"
CATEGORIES_SECONDS = 300
MAX_CATEGORIES = 200


def category_choices() -> list[tuple[str, str]]:
    """Categories in use on tickets or configured for triage, cached for a few minutes (a
    distinct over every ticket is not a per-page cost)."""
    names = cache.get(CATEGORIES_KEY)
    if names is None:
        used = Ticket.objects.exclude(category="").values_list("category", flat=True)
        configured = TriageKeyword.objects.values_list("category", flat=True)
        names = sorted({*used.distinct()[:MAX_CATEGORIES], *configured.distinct()})
        cache.set(CATEGORIES_KEY, names, CATEGORIES_SECONDS)
    return [("", "Not sure"), *((name, name.replace("_", " ").capitalize()) for name in names)]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Any number of files (none included); tickets.uploads checks each one."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None) -> list:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(FilesField, self).clean(item, initial) for item in files]


class NewTicketForm(forms.Form):
    email = forms.EmailField(label="Requester e-mail", max_length=254)
    title = forms.CharField(
        label="Title", max_length=300, error_messages={"required": "A title is required."}
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    type = forms.ChoiceField(
        label="Type", choices=TicketType.choices, initial=TicketType.INCIDENT, required=False
    )
    category = forms.ChoiceField(label="Category", required=False)
    urgency = forms.ChoiceField(label="Urgency", choices=URGENCY_CHOICES, required=False)
    files = FilesField(label="Attachments", help_text="Optional. Programs are not accepted.")

    def __init__(self, *args, requester: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if requester:
            del self.fields["email"]  # a requester files for themselves
        self.fields["category"].choices = category_choices()
        self.fields["title"].widget.attrs["autocomplete"] = "off"


class ReplyForm(forms.Form):
    content = forms.CharField(
        label="Your reply", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    files = FilesField(label="Attach files", help_text="Optional. Programs are not accepted.")
