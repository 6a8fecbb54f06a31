"""`generic`: the body already is a StandardTicket (API.md). Optional extras: ``event``
("created" | "updated") and ``comments`` ([{"id", "content", "internal", "author"}]). The
requester may carry ``crm_id``, their id in the CRM (ITSM_CRM_NAME): a contact with that id is
the requester whatever the e-mail; else the e-mail's contact (a new one gets the id)."""

from integrations.plugins import SourcePlugin
from integrations.standard import (
    CATEGORY_MAX,
    CREATE,
    DESCRIPTION_MAX,
    EXTERNAL_ID_MAX,
    NAME_MAX,
    TICKET_TYPES,
    TITLE_MAX,
    UPDATE,
    Comment,
    Fields,
    InboundEvent,
    Person,
    StandardTicket,
    clean_data,
    unmapped,
)

STANDARD_KEYS = {
    "ticket_id",
    "ticket_number",
    "title",
    "description",
    "category",
    "priority",
    "type",
    "source",
    "requester_location",
    "urgency",
    "impact",
    "requester",
    "external_metadata",
    "event",
    "comments",
}


def standard_ticket(payload: dict, *, source: str, fields: Fields) -> StandardTicket:
    """Read a StandardTicket document; field errors are collected in ``fields``."""
    requester = fields.mapping("requester", payload.get("requester"))
    location = fields.mapping("requester_location", payload.get("requester_location"))
    metadata = fields.mapping("external_metadata", payload.get("external_metadata"))
    ticket_type = fields.text("type", payload.get("type"), max_length=16).lower() or "incident"
    if ticket_type not in TICKET_TYPES:
        fields.error("type", f"Must be one of: {', '.join(TICKET_TYPES)}.")
    return StandardTicket(
        ticket_id=fields.text(
            "ticket_id", payload.get("ticket_id"), required=True, max_length=EXTERNAL_ID_MAX
        ),
        ticket_number=fields.text("ticket_number", payload.get("ticket_number"), max_length=100),
        title=fields.text("title", payload.get("title"), required=True, max_length=TITLE_MAX),
        description=fields.text(
            "description", payload.get("description"), max_length=DESCRIPTION_MAX
        ),
        category=fields.text("category", payload.get("category"), max_length=CATEGORY_MAX),
        priority=fields.priority("priority", payload.get("priority")),
        type=ticket_type,
        source=source,
        urgency=fields.level("urgency", payload.get("urgency")),
        impact=fields.level("impact", payload.get("impact")),
        requester=Person(
            email=fields.email("requester.email", requester.get("email")),
            name=fields.text("requester.name", requester.get("name"), max_length=NAME_MAX),
            crm_id=fields.crm_id("requester.crm_id", requester.get("crm_id")),
        ),
        requester_location=fields.place(
            "requester_location",
            location.get("lat"),
            location.get("lng"),
            location.get("timezone"),
        ),
        external_metadata={**unmapped(payload, STANDARD_KEYS), **clean_data(metadata)},
    )


class GenericSource(SourcePlugin):
    def parse(self, payload: dict, *, headers: dict[str, str]) -> InboundEvent:
        fields = Fields()
        ticket = standard_ticket(payload, source=self.name, fields=fields)
        event = fields.text("event", payload.get("event"), max_length=20).lower()
        if event not in ("", "created", "updated"):
            fields.error("event", "Must be 'created' or 'updated'.")
        comments = []
        raw = payload.get("comments") or []
        if not isinstance(raw, list):
            fields.error("comments", "Must be a list.")
            raw = []
        for index, item in enumerate(raw[:100]):
            item = fields.mapping(f"comments[{index}]", item)
            content = fields.text(f"comments[{index}].content", item.get("content"))
            if content:
                comments.append(
                    Comment(
                        content=content,
                        internal=item.get("internal") is not False,
                        external_id=fields.text(
                            f"comments[{index}].id", item.get("id"), max_length=100
                        ),
                    )
                )
        fields.done()
        kind = UPDATE if event == "updated" else CREATE
        return InboundEvent(ticket=ticket, kind=kind, comments=tuple(comments))
