"""The list page's filter form widgets, rendered once per value and then reused.

Django renders a form widget through its template engine (a template per ``<select>`` and one
more per ``<option>``): the five widgets of the ticket list's filter form were 2.4 ms of each
page's CPU (docs/benchmarks.md, "The list page's own CPU"), for HTML that depends only on the
field, its submitted value, whether it has errors and the language. The FilterSet's widgets
here have fixed choices (the ticket's enums, the SLA states), so that HTML is kept per process
keyed by those and served from memory after the first page that asked for it.
tests/pages/test_list_filter_widgets.py holds it to Django's own rendering.
"""

from django.forms import Form
from django.utils.safestring import SafeString
from django.utils.translation import get_language

# desk.filters.TicketFilterSet's fields the page writes with Django's widgets (the others are
# written in the template itself); each one's choices never change while the process runs.
WIDGETS = ("status", "priority", "type", "source", "sla_state")
MEMO_SIZE = 1024  # values are typed by users: the memo starts over rather than grow
_memo: dict[tuple, SafeString] = {}


def filter_widgets(form: Form) -> dict[str, SafeString]:
    """{field name: its widget's HTML} for ``WIDGETS`` of the bound TicketFilterSet form."""
    language = get_language()
    shown = {}
    for name in WIDGETS:
        field = form[name]
        value = field.value()
        key = (
            name,
            tuple(value) if isinstance(value, list) else value,
            bool(field.errors),
            language,
        )
        html = _memo.get(key)
        if html is None:
            if len(_memo) >= MEMO_SIZE:
                _memo.clear()
            html = _memo[key] = SafeString(str(field))
        shown[name] = html
    return shown
