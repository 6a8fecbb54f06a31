"""`solman`: an SAP Solution Manager incident (ObjectId, Description, LongText, Priority 1-4,
Category, Component, ReportedBy, CreatedAt ``YYYYMMDDhhmmss`` in TimeZone)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from integrations.plugins import SourcePlugin
from integrations.standard import (
    CATEGORY_MAX,
    CREATE,
    DESCRIPTION_MAX,
    EXTERNAL_ID_MAX,
    NAME_MAX,
    TITLE_MAX,
    UPDATE,
    Fields,
    InboundEvent,
    Person,
    StandardTicket,
    shorten,
    unmapped,
)

PRIORITY = {"1": "critical", "2": "high", "3": "medium", "4": "low"}
MAPPED = {"ObjectId", "Description", "LongText", "Priority", "Category", "ReportedBy"}


class SolmanSource(SourcePlugin):
    def parse(self, payload: dict, *, headers: dict[str, str]) -> InboundEvent:
        f = Fields()
        reporter = f.mapping("ReportedBy", payload.get("ReportedBy"))
        level = f.level("Priority", payload.get("Priority"))
        if level and level not in PRIORITY:
            f.error("Priority", "Must be 1 (very high) to 4 (low).")
        zone = f.text("TimeZone", payload.get("TimeZone"), max_length=64)
        place = f.place("TimeZone", None, None, zone) if zone else None
        metadata = unmapped(payload, MAPPED)
        created = f.text("CreatedAt", payload.get("CreatedAt"), max_length=20)
        if created:
            try:
                moment = datetime.strptime(created, "%Y%m%d%H%M%S")
                if place is not None and place.timezone:
                    moment = moment.replace(tzinfo=ZoneInfo(place.timezone))
                metadata["created_at_iso"] = moment.isoformat()
            except ValueError:
                f.error("CreatedAt", "Expected YYYYMMDDhhmmss.")
        ticket = StandardTicket(
            ticket_id=f.text(
                "ObjectId", payload.get("ObjectId"), required=True, max_length=EXTERNAL_ID_MAX
            ),
            ticket_number=f.text("ObjectId", payload.get("ObjectId"), max_length=100),
            title=shorten(
                f.text("Description", payload.get("Description"), required=True), TITLE_MAX
            ),
            description=f.text("LongText", payload.get("LongText"), max_length=DESCRIPTION_MAX),
            category=f.text("Category", payload.get("Category"), max_length=CATEGORY_MAX).lower(),
            priority=PRIORITY.get(level),
            type="incident",
            source=self.name,
            requester=Person(
                email=f.email("ReportedBy.Email", reporter.get("Email")),
                name=f.text("ReportedBy.Name", reporter.get("Name"), max_length=NAME_MAX),
            ),
            requester_location=place,
            external_metadata=metadata,
        )
        f.done()
        action = str(payload.get("Event") or payload.get("Action") or "").upper()
        kind = UPDATE if action in ("UPDATE", "UPDATED", "CHANGED") else CREATE
        return InboundEvent(ticket=ticket, kind=kind)
