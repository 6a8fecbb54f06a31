"""``{{ entry.content|entry_markdown }}``: a timeline entry written in Markdown, as the
sanitised HTML of core.markdown (safe to put in the page as it is)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from core.markdown import render_entry

register = template.Library()


@register.filter
def entry_markdown(text: str) -> SafeString:
    return mark_safe(render_entry(text))  # noqa: S308  nh3 kept only the allowed tags
