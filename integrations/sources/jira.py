"""`jira`: Jira webhooks. ``jira:issue_created`` creates; ``jira:issue_updated`` and the
comment events update the known issue. Comments restricted to a role or group, or marked not
public by Jira Service Management (``jsdPublic: false``), become internal entries."""

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
    adf_to_text,
    clean_data,
    clean_str,
    shorten,
)

EVENTS = {
    "jira:issue_created": CREATE,
    "jira:issue_updated": UPDATE,
    "comment_created": UPDATE,
    "comment_updated": UPDATE,
}
PRIORITY = {
    "highest": "critical",
    "blocker": "critical",
    "critical": "critical",
    "high": "high",
    "major": "high",
    "medium": "medium",
    "low": "low",
    "lowest": "low",
    "minor": "low",
    "trivial": "low",
}
TYPES = {
    "incident": "incident",
    "bug": "incident",
    "service request": "request",
    "task": "request",
    "story": "request",
    "change": "change",
    "problem": "problem",
}
MAPPED_FIELDS = {"summary", "description", "issuetype", "priority", "reporter", "comment"}


def name_of(value) -> str:
    return clean_str(str(value.get("name") or ""))[:200] if isinstance(value, dict) else ""


def comment_of(f: Fields, raw, index: int) -> Comment | None:
    raw = f.mapping(f"comment[{index}]", raw)
    body = raw.get("body")
    text = adf_to_text(body) if isinstance(body, dict | list) else f.text("comment.body", body)
    text = text.strip()
    if not text:
        return None
    internal = raw.get("jsdPublic") is False or bool(raw.get("visibility"))
    author = raw.get("author") if isinstance(raw.get("author"), dict) else {}
    return Comment(
        content=text,
        internal=internal,
        external_id=f.text("comment.id", raw.get("id"), max_length=100),
        author=Person(
            email=f.email("comment.author.emailAddress", author.get("emailAddress")),
            name=f.text("comment.author.displayName", author.get("displayName"), max_length=200),
        ),
    )


class JiraSource(SourcePlugin):
    def parse(self, payload: dict, *, headers: dict[str, str]) -> InboundEvent:
        f = Fields()
        event = f.text("webhookEvent", payload.get("webhookEvent"), required=True, max_length=60)
        if event and event not in EVENTS:
            f.error("webhookEvent", f"Unsupported event; one of: {', '.join(EVENTS)}.")
        issue = f.mapping("issue", payload.get("issue"))
        if not issue:
            f.error("issue", "This field is required.")
        fields = f.mapping("issue.fields", issue.get("fields"))
        reporter = f.mapping("issue.fields.reporter", fields.get("reporter"))
        description = fields.get("description")
        if isinstance(description, dict | list):
            description = adf_to_text(description)
        raw_components = fields.get("components")
        raw_components = raw_components if isinstance(raw_components, list) else []
        components = [name_of(c) for c in raw_components if name_of(c)]
        raw_labels = fields.get("labels") if isinstance(fields.get("labels"), list) else []
        labels = [clean_str(label)[:200] for label in raw_labels if isinstance(label, str)]
        category = (components or labels or [""])[0].lower()
        timezone = reporter.get("timeZone")
        ticket = StandardTicket(
            ticket_id=f.text(
                "issue.id", issue.get("id"), required=True, max_length=EXTERNAL_ID_MAX
            ),
            ticket_number=f.text("issue.key", issue.get("key"), max_length=100),
            title=shorten(f.text("summary", fields.get("summary"), required=True), TITLE_MAX),
            description=f.text("description", description, max_length=DESCRIPTION_MAX),
            category=shorten(category, CATEGORY_MAX),
            priority=PRIORITY.get(name_of(fields.get("priority")).lower()),
            type=TYPES.get(name_of(fields.get("issuetype")).lower(), "incident"),
            source=self.name,
            requester=Person(
                email=f.email("reporter.emailAddress", reporter.get("emailAddress")),
                name=f.text(
                    "reporter.displayName", reporter.get("displayName"), max_length=NAME_MAX
                ),
            ),
            requester_location=f.place("reporter", None, None, timezone) if timezone else None,
            external_metadata={
                "issue_key": f.text("issue.key", issue.get("key"), max_length=100),
                "issue_self": f.text("issue.self", issue.get("self"), max_length=500),
                "issuetype": name_of(fields.get("issuetype")),
                "priority_name": name_of(fields.get("priority")),
                "labels": labels,
                "components": components,
                "fields": clean_data({k: v for k, v in fields.items() if k not in MAPPED_FIELDS}),
            },
        )
        comments = []
        listed = fields.get("comment")
        listed = listed.get("comments") if isinstance(listed, dict) else None
        raw_comments = list(listed or []) if isinstance(listed, list) else []
        if isinstance(payload.get("comment"), dict):
            raw_comments.append(payload["comment"])
        for index, raw in enumerate(raw_comments[:100]):
            comment = comment_of(f, raw, index)
            if comment is not None:
                comments.append(comment)
        f.done()
        return InboundEvent(ticket=ticket, kind=EVENTS[event], comments=tuple(comments))
