"""The list page's filter widgets, kept per value (desk.pages.filter_widgets), are the HTML
Django's widgets write for the same submitted values: first rendered and then from memory,
with several values, a refused value (its error shown on the widget), text to escape, and in
the page itself."""

import pytest
from django.http import QueryDict

from desk.filters import TicketFilterSet
from desk.pages import filter_widgets as widgets
from tickets.models import Ticket

QUERIES = [
    "",
    "status=new",
    "status=new&status=closed",
    "status=bogus",
    "priority=high&type=change",
    "sla_state=breached",
    "sla_state=nonsense",
    "source=%3Cscript%3E%22x%22",
]


def bound_form(query: str):
    filterset = TicketFilterSet(QueryDict(query), queryset=Ticket.objects.none())
    filterset.is_valid()
    return filterset.form


@pytest.mark.parametrize("query", QUERIES)
def test_kept_widgets_are_what_django_writes(query):
    widgets._memo.clear()
    expected = {name: str(bound_form(query)[name]) for name in widgets.WIDGETS}
    first = widgets.filter_widgets(bound_form(query))
    kept = len(widgets._memo)
    again = widgets.filter_widgets(bound_form(query))
    assert first == expected and again == expected
    assert kept == len(widgets.WIDGETS) and len(widgets._memo) == kept  # the second from memory


def test_values_do_not_share_their_html():
    widgets._memo.clear()
    written = [widgets.filter_widgets(bound_form(query)) for query in QUERIES]
    assert len({shown["status"] for shown in written}) == 4  # none, new, new+closed, bogus
    assert 'aria-invalid="true"' in written[QUERIES.index("status=bogus")]["status"]
    assert (
        "&lt;script&gt;&quot;x&quot;"
        in written[QUERIES.index("source=%3Cscript%3E%22x%22")]["source"]
    )


@pytest.mark.django_db
def test_the_page_writes_them(client, manager):
    client.force_login(manager)
    body = client.get("/tickets/", {"status": "new", "priority": "high"}).content.decode()
    form = bound_form("status=new&priority=high")
    for name in widgets.WIDGETS:
        assert str(form[name]) in body
