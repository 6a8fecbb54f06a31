from django import forms

from kb.models import ArticleStatus


class ArticleForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 18}), label="Content (Markdown)")
    category = forms.CharField(max_length=100, required=False)
    tags = forms.CharField(max_length=500, required=False, help_text="Comma-separated.")
    status = forms.ChoiceField(choices=ArticleStatus.choices, initial=ArticleStatus.DRAFT)

    def clean_tags(self) -> list[str]:
        return [tag.strip() for tag in self.cleaned_data["tags"].split(",") if tag.strip()]


class VoteForm(forms.Form):
    helpful = forms.TypedChoiceField(
        choices=[("1", "Yes"), ("0", "No")], coerce=lambda value: value == "1"
    )
