"""``{% ticket_rows tickets %}``: the rows of the ticket list and the work queue, written in
Python instead of a template included per row (and the SLA chip included in each row).

The template engine resolved every ``{{ }}`` of 25 rows through its variable lookups and
rendered ``desk/_sla.html`` 25 times: about a third of the list page's CPU
(docs/benchmarks.md, "The ticket list's rows without DRF's fields"). The markup is the one
``desk/_rows.html`` and ``desk/_sla.html`` wrote, character for character
(tests/pages/test_ticket_rows_tag.py renders both and compares). A tag, not a view helper:
it runs inside the page's ``{% timezone %}``, so times are in the viewer's zone as before.
"""

from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from core.templatetags.when import countdown, when
from desk.pages.list_rows import ListRow

register = template.Library()

EMPTY = '<tr><td colspan="8" class="muted">No tickets.</td></tr>\n'
NO_SLA = '<span class="muted sla-none">no SLA</span>'
DASH = "\u2014"
NEEDS_TRIAGE = (
    ' <span class="badge needs-triage" title="Triage was not confident about the team; move it '
    'to the right one and triage learns from the choice.">Needs triage</span>'
)


@register.simple_tag(takes_context=True)
def ticket_rows(context, tickets) -> SafeString:
    """Each row's ``<tr>`` (``desk.pages.list_rows.ListRow``s); the checkbox column when the
    page has ``bulk_actions``, the team and owner columns unless ``is_requester``."""
    bulk = bool(context.get("bulk_actions"))
    staff = not context.get("is_requester")
    # The detail URL's shape, resolved once: the id goes between its two halves.
    marker = "00000000-0000-0000-0000-000000000000"
    before, after = reverse("desk:detail", args=[marker]).split(marker)
    rows = [_row(ticket, bulk, staff, before, after) for ticket in tickets]
    return mark_safe("".join(rows or [EMPTY]) + "\n")  # noqa: S308 - every value escaped


def _row(ticket: ListRow, bulk: bool, staff: bool, before: str, after: str) -> str:
    e = _escape
    pk = e(ticket.pk)
    reference = e(ticket.reference)
    parts = [f'\n<tr class="status-{e(ticket.status)}" data-ticket="{pk}">\n  ']
    if bulk:
        parts.append(
            f'<td><input type="checkbox" name="ticket" value="{pk}" form="bulk-form" '
            f'aria-label="Select {reference}"></td>'
        )
    parts.append(
        f'\n  <td><a href="{e(before)}{pk}{e(after)}">{reference}</a></td>\n'
        f"  <td>{e(ticket.title)}{_triage_badge(ticket)}</td>\n"
        f'  <td data-label="Status"><span class="badge status">'
        f"{e(ticket.status_label)}</span></td>\n"
        f'  <td data-label="Priority"><span class="badge prio-{e(ticket.priority)}">'
        f"{e(ticket.priority_label)}</span></td>\n  "
    )
    if staff:
        parts.append(
            f'<td data-label="Team">{e(ticket.team_name or DASH)}</td>\n'
            f'  <td data-label="Owner">{e(ticket.owner_name or DASH)}</td>'
        )
    parts.append(
        f'\n  <td data-label="SLA">{sla_chip(ticket.sla)}</td>\n'
        f'  <td data-label="Created">{when(ticket.created_at)}</td>\n</tr>\n'
    )
    return "".join(parts)


def sla_chip(sla: dict | None) -> str:
    """``desk/_sla.html`` for one ``sla.selectors.sla_view``."""
    if not sla:
        return f"\n{NO_SLA}\n"
    e = _escape
    state = e(sla["state"])
    label = e(sla["state_label"])
    parts = [
        f'\n<span class="sla sla-{state}" data-sla-state="{state}" '
        f'title="SLA {e(sla["policy"])}: {label}">\n'
        f'<span class="badge sla-badge">{label}</span>\n'
    ]
    for target in sla["targets"]:
        parts.append(
            f'<span class="clock clock-{e(target["state"])}" data-target="{e(target["name"])}">'
            f"{e(target['label'])}\n{_target_text(target)}</span>\n"
        )
    if sla["paused_since"]:
        parts.append(f'<span class="clock">paused since {when(sla["paused_since"])}</span>')
    parts.append("\n</span>\n")
    return "".join(parts)


def _triage_badge(ticket: ListRow) -> str:
    """Marked by routing.triage_reads.with_needs_triage (open tickets, staff lists only)."""
    return NEEDS_TRIAGE if ticket.needs_triage else ""


def _escape(value) -> str:
    """Django's ``escape`` (the same ``html.escape``) without its lazy-string wrapper: the
    values here are plain text read from the database, never already-safe markup."""
    return escape(str(value))


def _target_text(target: dict) -> str:
    state = target["state"]
    if target["counting"]:
        return countdown(target["due"], target["warn_at"])
    if state == "met":
        return f"met {when(target['met_at'])}"
    if state == "breached":
        late = f", met late {when(target['met_at'])}" if target["met_at"] else ""
        return f"breached{late}"
    return "paused" if state == "paused" else ""
