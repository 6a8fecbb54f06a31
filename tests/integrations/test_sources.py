"""Source plugins: every sample maps to the right StandardTicket; hostile variants of every
field either map or raise PayloadError (a 400), never anything else."""

import copy

import pytest

from integrations.plugins import get_source, source_names
from integrations.standard import CREATE, UPDATE, InboundEvent, PayloadError, html_to_text
from tests.integrations.conftest import SAMPLES, sample


def parse(source: str, payload: dict) -> InboundEvent:
    return get_source(source).parse(payload, headers={})


def test_every_builtin_source_is_registered():
    assert set(SAMPLES) <= set(source_names())


def test_servicenow_incident():
    event = parse("servicenow", sample("servicenow_incident.json"))
    ticket = event.ticket
    assert event.kind == CREATE
    assert ticket.ticket_id == "9d385017c611228701d22104cc95c371"
    assert ticket.ticket_number == "INC0010042"
    assert ticket.title == "Cannot connect to VPN from home office"
    assert ticket.category == "network"
    assert (ticket.priority, ticket.urgency, ticket.impact) == ("high", "2", "1")
    assert ticket.requester.email == "abel.tuter@example.com"
    assert ticket.requester.name == "Abel Tuter"
    location = ticket.requester_location
    assert (location.lat, location.lng, location.timezone) == (40.7128, -74.006, "America/New_York")
    assert ticket.external_metadata["subcategory"] == "vpn"
    assert ticket.external_metadata["location"] == "New York"
    assert ticket.external_metadata["caller_sys_id"] == "62826bf03710200044e0bfc8bcbe5df1"


def test_servicenow_work_notes_are_internal_and_comments_public():
    payload = sample("servicenow_incident.json")
    payload.update(
        {
            "work_notes": "Checked the VPN concentrator.",
            "comments": "We are on it.",
            "sys_mod_count": "3",
        }
    )
    event = parse("servicenow", payload)
    assert event.kind == UPDATE
    assert [(c.content, c.internal) for c in event.comments] == [
        ("Checked the VPN concentrator.", True),
        ("We are on it.", False),
    ]


def test_jira_issue_created():
    event = parse("jira", sample("jira_issue_created.json"))
    ticket = event.ticket
    assert event.kind == CREATE
    assert (ticket.ticket_id, ticket.ticket_number) == ("10231", "OPS-318")
    assert ticket.title == "Orders database replica lagging by 40 minutes"
    assert ticket.priority == "critical"
    assert ticket.type == "incident"
    assert ticket.category == "database"
    assert ticket.requester.email == "mia.krystof@example.com"
    assert ticket.requester_location.timezone == "Europe/Berlin"
    assert ticket.external_metadata["labels"] == ["database", "replication"]
    assert ticket.external_metadata["components"] == ["Database"]
    assert ticket.external_metadata["fields"]["project"]["key"] == "OPS"


def test_jira_update_with_internal_and_public_comments_and_adf_description():
    payload = sample("jira_issue_created.json")
    payload["webhookEvent"] = "jira:issue_updated"
    payload["issue"]["fields"]["description"] = {
        "type": "doc",
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Lag at 90 min"}]}],
    }
    payload["issue"]["fields"]["comment"] = {
        "comments": [
            {"id": "1", "body": "Failover planned.", "jsdPublic": False},
            {"id": "2", "body": "We are looking into it.", "jsdPublic": True},
            {"id": "3", "body": "Admins only", "visibility": {"type": "role", "value": "Admins"}},
        ]
    }
    event = parse("jira", payload)
    assert event.kind == UPDATE
    assert event.ticket.description == "Lag at 90 min"
    assert [(c.external_id, c.internal) for c in event.comments] == [
        ("1", True),
        ("2", False),
        ("3", True),
    ]


def test_glpi_ticket_content_is_unescaped_and_sanitised():
    event = parse("glpi", sample("glpi_ticket.json"))
    ticket = event.ticket
    assert ticket.ticket_id == "5821"
    assert ticket.description == "The HP printer near room 301 reports a jam. Nothing is stuck."
    assert ticket.type == "incident"
    assert ticket.category == "hardware"
    assert ticket.external_metadata["category_path"] == ["Hardware", "Printer"]
    assert (ticket.urgency, ticket.impact, ticket.priority) == ("3", "3", "medium")
    assert ticket.requester.email == "lea.martin@example.com"


def test_glpi_levels_are_turned_into_itil_order_and_private_followups_are_internal():
    payload = sample("glpi_ticket.json")
    payload["event"] = "update"
    payload["item"].update({"type": 2, "urgency": 5, "impact": 4, "priority": 6})
    payload["item"]["followups"] = [
        {"id": 1, "content": "&lt;b&gt;Tech note&lt;/b&gt;", "is_private": 1},
        {"id": 2, "content": "Visible reply", "is_private": 0},
    ]
    event = parse("glpi", payload)
    assert event.kind == UPDATE
    assert (event.ticket.type, event.ticket.urgency, event.ticket.impact) == ("request", "1", "2")
    assert event.ticket.priority == "critical"
    assert [(c.content, c.internal) for c in event.comments] == [
        ("Tech note", True),
        ("Visible reply", False),
    ]


def test_solman_incident():
    event = parse("solman", sample("solman_incident.json"))
    ticket = event.ticket
    assert ticket.ticket_id == "8000001234"
    assert ticket.title == "SAP ERP: posting period 11 locked for company code 1000"
    assert ticket.description.startswith("Finance users cannot post")
    assert (ticket.priority, ticket.category) == ("high", "sap_fi")
    assert ticket.requester.email == "kenji.sato@example.com"
    assert ticket.requester_location.timezone == "Asia/Tokyo"
    assert ticket.external_metadata["Component"] == "FI-GL"
    assert ticket.external_metadata["created_at_iso"] == "2026-11-20T10:15:00+09:00"


def test_generic_standard_ticket_keeps_unknown_fields_in_metadata():
    payload = sample("standard_ticket.json")
    payload["unknown_extra"] = {"nested": [1, 2]}
    ticket = parse("generic", payload).ticket
    assert (ticket.ticket_id, ticket.title, ticket.priority) == (
        "ext-7f3a9c",
        "Laptop will not boot after BIOS update",
        "high",
    )
    assert ticket.requester_location.lat == 51.5074
    assert ticket.external_metadata == {"asset_tag": "LT-4471", "unknown_extra": {"nested": [1, 2]}}


def test_generic_missing_optional_fields_are_fine_and_priority_is_left_to_the_matrix():
    ticket = parse("generic", {"ticket_id": "x1", "title": "Only the required"}).ticket
    assert ticket.priority is None
    assert ticket.requester.email == ""
    assert ticket.requester_location is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "no id"}, "ticket_id"),
        ({"ticket_id": "1"}, "title"),
        ({"ticket_id": "1", "title": "t", "priority": "urgent"}, "priority"),
        ({"ticket_id": "1", "title": "t", "urgency": "9"}, "urgency"),
        (
            {"ticket_id": "1", "title": "t", "requester": {"email": "not-an-email"}},
            "requester.email",
        ),
        (
            {"ticket_id": "1", "title": "t", "requester_location": {"lat": 91, "lng": 0}},
            "requester_location.lat",
        ),
        (
            {"ticket_id": "1", "title": "t", "requester_location": {"lat": "NaN", "lng": 0}},
            "requester_location.lat",
        ),
        ({"ticket_id": "1", "title": "t", "requester_location": {"lat": 1}}, "requester_location"),
        (
            {"ticket_id": "1", "title": "t", "requester_location": {"timezone": "Mars/Base"}},
            "requester_location.timezone",
        ),
        ({"ticket_id": ["1"], "title": "t"}, "ticket_id"),
        ({"ticket_id": "1", "title": {"a": 1}}, "title"),
        ({"ticket_id": "x" * 201, "title": "t"}, "ticket_id"),
    ],
)
def test_generic_field_errors(payload, field):
    with pytest.raises(PayloadError) as raised:
        parse("generic", payload)
    assert field in raised.value.errors


def _text_paths(value, path=()):
    """Every string leaf of a payload, as a key path."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _text_paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _text_paths(child, (*path, index))
    elif isinstance(value, str | int | float) and not isinstance(value, bool):
        yield path


def _with(payload: dict, path: tuple, value) -> dict:
    changed = copy.deepcopy(payload)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


HOSTILE_VALUES = [
    "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "x" * 300_000,
    "nul\x00byte \ud800 surrogate",
    ["a", "list"],
    {"an": "object"},
    True,
    None,
    -1e308,
    "",
]


@pytest.mark.parametrize("source", sorted(SAMPLES))
def test_hostile_values_in_every_field_map_or_raise_payload_error(source):
    payload = sample(SAMPLES[source])
    outcomes = {"mapped": 0, "refused": 0}
    for path in _text_paths(payload):
        for value in HOSTILE_VALUES:
            try:
                event = parse(source, _with(payload, path, value))
            except PayloadError as error:
                assert error.errors and all(isinstance(m, list) for m in error.errors.values())
                outcomes["refused"] += 1
                continue
            ticket = event.ticket
            outcomes["mapped"] += 1
            assert ticket.ticket_id and ticket.title
            assert len(ticket.title) <= 300
            for text in (ticket.title, ticket.description, ticket.category, ticket.ticket_id):
                assert "\x00" not in text
    assert outcomes["mapped"] and outcomes["refused"]


def test_glpi_script_never_survives_in_the_description():
    payload = sample("glpi_ticket.json")
    payload["item"]["content"] = (
        "&lt;p&gt;Hi&lt;/p&gt;&lt;script&gt;steal()&lt;/script&gt;<script>x()</script>"
    )
    ticket = parse("glpi", payload).ticket
    assert ticket.description == "Hi"


def test_html_to_text_keeps_line_breaks_and_entities():
    assert html_to_text("<p>a &amp; b</p><p>c<br>d</p>") == "a & b\nc\nd"
