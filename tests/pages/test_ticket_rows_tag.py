"""``{% ticket_rows %}`` writes the rows the templates desk/_rows.html (below, as it was) and
desk/_sla.html wrote over model instances, character for character, from the rows
desk.pages.list_rows reads as plain values: every SLA state, no SLA, no team or owner, user
text to escape, with and without the bulk and staff columns, in the viewer's zone."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.template import Context, Template

from desk.pages.common import ticket_rows, with_sla
from desk.pages.list_rows import list_rows
from sla.models import SLAClock
from tests import factories
from tests.api.test_ticket_list_rows import make_desk
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
# desk/_rows.html as it was before the tag replaced it.
ROWS_TEMPLATE = (
    "{% load when %}{% for t in tickets %}\n"
    '<tr class="status-{{ t.status }}" data-ticket="{{ t.pk }}">\n'
    '  {% if bulk_actions %}<td><input type="checkbox" name="ticket" value="{{ t.pk }}" '
    'form="bulk-form" '
    'aria-label="Select {{ t.reference }}"></td>{% endif %}\n'
    "  <td><a href=\"{% url 'desk:detail' t.pk %}\">{{ t.reference }}</a></td>\n"
    "  <td>{{ t.title }}</td>\n"
    '  <td data-label="Status"><span class="badge status">{{ t.get_status_display }}</span></td>\n'
    '  <td data-label="Priority"><span class="badge prio-{{ t.priority }}">'
    "{{ t.get_priority_display }}</span></td>\n"
    '  {% if not is_requester %}<td data-label="Team">{{ t.team.name|default:"—" }}</td>\n'
    '  <td data-label="Owner">{{ t.owner.get_username|default:"—" }}</td>{% endif %}\n'
    '  <td data-label="SLA">{% include "desk/_sla.html" with sla=t.sla %}</td>\n'
    '  <td data-label="Created">{{ t.created_at|when }}</td>\n'
    "</tr>\n"
    '{% empty %}<tr><td colspan="8" class="muted">No tickets.</td></tr>\n'
    "{% endfor %}\n"
)

ZONE = "{%% load tz %%}{%% timezone 'Europe/Berlin' %%}%s{%% endtimezone %%}"


def render(text: str, rows, **context) -> str:
    return Template(ZONE % text).render(Context({"tickets": rows, **context}))


@time_machine.travel(NOW, tick=False)  # "5 min ago" and countdowns at one instant
@pytest.mark.parametrize(
    "context",
    [
        {"bulk_actions": [("close", "Close")], "is_requester": False},
        {"bulk_actions": [], "is_requester": True},
        {},
    ],
)
def test_the_tag_writes_what_the_templates_wrote(api, manager, agent, team, context):
    make_desk(api, manager, agent, team)
    factories.TicketFactory(team=team, title='<script>alert("x")</script> & co')
    late = Ticket.objects.filter(title="Disk").values("pk")
    SLAClock.objects.filter(ticket__in=late).update(  # breached, then met late
        resolution_due=NOW - timedelta(hours=2), resolution_met_at=NOW - timedelta(hours=1)
    )
    tickets = ticket_rows(manager, listing=True).order_by("created_at", "id")
    instances = with_sla(tickets)
    states = {row.sla["state"] for row in instances if row.sla}
    assert {"met", "paused", "breached"} <= states and any(row.sla is None for row in instances)
    assert any(row.team is None for row in instances) and any(row.owner for row in instances)
    rows = list_rows(tickets)
    assert [row.sla for row in rows] == [ticket.sla for ticket in instances]
    expected = render(ROWS_TEMPLATE, instances, **context)
    assert "&lt;script&gt;" in expected
    assert render("{% load ticket_rows %}{% ticket_rows tickets %}", rows, **context) == (expected)


def test_no_rows_say_so_as_before():
    tag = "{% load ticket_rows %}{% ticket_rows tickets %}"
    assert render(tag, []) == render(ROWS_TEMPLATE, [])
