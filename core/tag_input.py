"""A list of short strings (capabilities, skills, languages) edited as tags: a text input that
static/js/tag_input.js turns into removable chips, with a <datalist> of suggestions. Without
JavaScript it is a comma-separated text box; the form field takes and gives a list either way."""

from collections.abc import Callable, Iterable

from django import forms

MAX_TAG_LENGTH = 100


class TagInput(forms.TextInput):
    template_name = "core/widgets/tag_input.html"

    def __init__(self, suggestions: Callable[[], Iterable[str]] | None = None, attrs=None):
        super().__init__(attrs)
        self.suggestions = suggestions

    class Media:
        js = ("js/tag_input.js",)
        css = {"all": ("css/tag_input.css",)}

    def format_value(self, value) -> str | None:
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Read when the form is drawn, not when it is declared: the words in use change.
        words = self.suggestions() if self.suggestions else []
        context["widget"]["suggestions"] = sorted(set(words))
        context["widget"]["list_id"] = f"{context['widget']['attrs'].get('id', name)}_suggestions"
        return context


def split_tags(value) -> list[str]:
    """Comma-separated text (or a list) as a list of trimmed tags, duplicates dropped, in order."""
    items = value if isinstance(value, list | tuple) else str(value or "").split(",")
    tags: list[str] = []
    for item in items:
        tag = str(item).strip()
        if tag and tag not in tags:
            tags.append(tag)
    return tags


class TagListField(forms.Field):
    """A list of strings in, a list of strings out (what the models' JSON list fields hold)."""

    widget = TagInput

    def __init__(self, *, suggestions: Callable[[], Iterable[str]] | None = None, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.suggestions = suggestions

    def to_python(self, value) -> list[str]:
        return split_tags(value)

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        too_long = [tag for tag in value if len(tag) > MAX_TAG_LENGTH]
        if too_long:
            raise forms.ValidationError(
                f"Tags are at most {MAX_TAG_LENGTH} characters: {too_long[0][:20]}...",
                code="too_long",
            )

    def prepare_value(self, value):
        return split_tags(value) if isinstance(value, list | tuple) else value

    def has_changed(self, initial, data) -> bool:
        return split_tags(initial) != self.to_python(data)
