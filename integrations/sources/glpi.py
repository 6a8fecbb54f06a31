"""`glpi`: a GLPI ticket webhook (``{"event", "itemtype", "item": {...}}``). GLPI sends its
content HTML-escaped: it is unescaped, then sanitised down to text. GLPI's levels run the other
way round (5 = very high), so urgency and impact are turned into ITIL's 1 = highest. Private
followups (``is_private``) become internal entries."""

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
    html_to_text,
    shorten,
    unmapped,
)

# GLPI priority 1 very low .. 5 very high, 6 major.
PRIORITY = {"6": "critical", "5": "critical", "4": "high", "3": "medium", "2": "low", "1": "low"}
TYPES = {"1": "incident", "2": "request"}
MAPPED = {
    "id",
    "name",
    "content",
    "type",
    "urgency",
    "impact",
    "priority",
    "category_name",
    "requester",
    "followups",
}


def itil_level(f: Fields, name: str, value) -> str:
    """GLPI 5 (very high) .. 1 (very low) -> ITIL '1' .. '5'."""
    level = f.level(name, value)
    return str(6 - int(level)) if level else ""


def followups(f: Fields, raw) -> list[Comment]:
    items = raw if isinstance(raw, list) else [raw] if isinstance(raw, dict) else []
    comments = []
    for index, item in enumerate(items[:100]):
        item = f.mapping(f"followups[{index}]", item)
        text = html_to_text(
            f.text(f"followups[{index}].content", item.get("content"), max_length=DESCRIPTION_MAX),
            escaped=True,
        )
        if text:
            comments.append(
                Comment(
                    content=text,
                    internal=str(item.get("is_private", 0)) not in ("0", "False", "false"),
                    external_id=f.text(f"followups[{index}].id", item.get("id"), max_length=100),
                )
            )
    return comments


class GlpiSource(SourcePlugin):
    def parse(self, payload: dict, *, headers: dict[str, str]) -> InboundEvent:
        f = Fields()
        item = f.mapping("item", payload.get("item"))
        if not item:
            f.error("item", "This field is required.")
        event = f.text("event", payload.get("event"), max_length=40).lower()
        requester = f.mapping("item.requester", item.get("requester"))
        path = f.text("category_name", item.get("category_name"), max_length=500)
        parts = [part.strip() for part in path.split(">") if part.strip()]
        ticket_type = f.text("type", item.get("type"), max_length=4)
        if ticket_type and ticket_type not in TYPES:
            f.error("type", "Must be 1 (incident) or 2 (request).")
        raw_priority = f.text("priority", item.get("priority"), max_length=4)
        if raw_priority and raw_priority not in PRIORITY:
            f.error("priority", "Must be a level from 1 to 6.")
        metadata = unmapped(item, MAPPED)
        metadata.update({"event": event, "category_path": parts})
        ticket = StandardTicket(
            ticket_id=f.text("item.id", item.get("id"), required=True, max_length=EXTERNAL_ID_MAX),
            ticket_number=f.text("item.id", item.get("id"), max_length=100),
            title=shorten(html_to_text(f.text("name", item.get("name"), required=True)), TITLE_MAX)
            or "(no title)",
            description=html_to_text(
                f.text("content", item.get("content"), max_length=DESCRIPTION_MAX), escaped=True
            ),
            category=shorten(parts[0].lower(), CATEGORY_MAX) if parts else "",
            priority=PRIORITY.get(raw_priority),
            type=TYPES.get(ticket_type, "incident"),
            source=self.name,
            urgency=itil_level(f, "urgency", item.get("urgency")),
            impact=itil_level(f, "impact", item.get("impact")),
            requester=Person(
                email=f.email("requester.email", requester.get("email")),
                name=f.text("requester.name", requester.get("name"), max_length=NAME_MAX),
            ),
            external_metadata=metadata,
        )
        comments = followups(f, item.get("followups") or payload.get("followup"))
        f.done()
        kind = CREATE if event in ("", "new", "add") else UPDATE
        return InboundEvent(ticket=ticket, kind=kind, comments=tuple(comments))
