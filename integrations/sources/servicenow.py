"""`servicenow`: an incident record (Table API JSON, as a business rule or a REST message
sends it). Reference fields arrive as ``{"value", "display_value", ...}`` or as plain strings.
``work_notes`` become internal entries, ``comments`` (additional comments) public ones."""

from integrations.plugins import SourcePlugin
from integrations.standard import (
    CATEGORY_MAX,
    CREATE,
    DESCRIPTION_MAX,
    EXTERNAL_ID_MAX,
    NAME_MAX,
    TITLE_MAX,
    UPDATE,
    Comment,
    Fields,
    InboundEvent,
    Person,
    StandardTicket,
    shorten,
    unmapped,
)

PRIORITY = {"1": "critical", "2": "high", "3": "medium", "4": "low", "5": "low"}
TYPE_BY_TABLE = {
    "incident": "incident",
    "sc_request": "request",
    "sc_req_item": "request",
    "change_request": "change",
    "problem": "problem",
}
MAPPED = {
    "sys_id",
    "number",
    "short_description",
    "description",
    "category",
    "priority",
    "urgency",
    "impact",
    "caller_id",
    "location",
    "work_notes",
    "comments",
    "sys_class_name",
}


def reference(value) -> dict:
    """A reference field as a dict (``{"value": ...}`` for a bare sys_id string)."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str | int):
        return {"value": str(value)}
    return {}


def journal(fields: Fields, name: str, value, *, internal: bool) -> list[Comment]:
    """work_notes / comments: a string (the latest entry) or a list of strings / objects."""
    items = value if isinstance(value, list) else [value]
    comments = []
    for index, item in enumerate(items[:100]):
        if isinstance(item, dict):
            text = fields.text(f"{name}[{index}]", item.get("value") or item.get("text"))
            ident = fields.text(f"{name}[{index}].sys_id", item.get("sys_id"), max_length=100)
        else:
            text, ident = fields.text(name, item), ""
        if text:
            comments.append(Comment(content=text, internal=internal, external_id=ident))
    return comments


class ServiceNowSource(SourcePlugin):
    def parse(self, payload: dict, *, headers: dict[str, str]) -> InboundEvent:
        f = Fields()
        caller = reference(payload.get("caller_id"))
        location = reference(payload.get("location"))
        level = f.level("priority", payload.get("priority"))
        table = str(payload.get("sys_class_name") or "incident")
        metadata = unmapped(payload, MAPPED)
        if caller.get("value"):
            metadata["caller_sys_id"] = str(caller["value"])[:64]
        if location.get("display_value"):
            metadata["location"] = f.text("location", location["display_value"], max_length=200)
        ticket = StandardTicket(
            ticket_id=f.text(
                "sys_id", payload.get("sys_id"), required=True, max_length=EXTERNAL_ID_MAX
            ),
            ticket_number=f.text("number", payload.get("number"), max_length=100),
            title=shorten(
                f.text("short_description", payload.get("short_description"), required=True),
                TITLE_MAX,
            ),
            description=f.text(
                "description", payload.get("description"), max_length=DESCRIPTION_MAX
            ),
            category=f.text("category", payload.get("category"), max_length=CATEGORY_MAX),
            priority=PRIORITY.get(level),
            type=TYPE_BY_TABLE.get(table, "incident"),
            source=self.name,
            urgency=f.level("urgency", payload.get("urgency")),
            impact=f.level("impact", payload.get("impact")),
            requester=Person(
                email=f.email("caller_id.email", caller.get("email")),
                name=f.text(
                    "caller_id.display_value", caller.get("display_value"), max_length=NAME_MAX
                ),
            ),
            requester_location=f.place(
                "location",
                location.get("latitude"),
                location.get("longitude"),
                location.get("time_zone"),
            ),
            external_metadata=metadata,
        )
        comments = journal(f, "work_notes", payload.get("work_notes"), internal=True)
        comments += journal(f, "comments", payload.get("comments"), internal=False)
        f.done()
        return InboundEvent(ticket=ticket, kind=self.kind(payload), comments=tuple(comments))

    @staticmethod
    def kind(payload: dict) -> str:
        operation = str(payload.get("operation") or payload.get("event") or "").lower()
        if operation in ("update", "updated"):
            return UPDATE
        try:
            return UPDATE if int(str(payload.get("sys_mod_count") or 0)) > 0 else CREATE
        except ValueError:
            return CREATE
