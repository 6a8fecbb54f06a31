"""Who may get a 2xx from which route: the reviewed policy the generated matrix checks.

Keys are "<url name> <method>"; values the roles allowed (tests.security.world.ROLES, short
names below). Everyone else must be refused (401, 403, 404, 405) or, on a list, get nothing
of the world's ticket. A route added to the URL conf without a line here fails the matrix.
/metrics is not an API route: no role reads it (tests/security/test_metrics_route.py).
"""

SHORT = {
    "anon": "anonymous",
    "key": "integration",
    "stranger": "stranger",
    "req": "requester",
    "other": "other_agent",
    "expert": "expert",
    "agent": "agent",
    "mgr": "manager",
    "admin": "admin",
}
PEOPLE = "stranger req other expert agent mgr admin"  # every signed-in person
STAFF = "other expert agent mgr admin"
SEES_TICKET = "req expert agent mgr admin"  # the world's ticket: its requester and its staff

POLICY = {
    # Sign-in is open to all; documentation to signed-in people (API_DOCS_PUBLIC opens it).
    "token post": "anon key " + PEOPLE,
    "token-refresh post": "anon key " + PEOPLE,
    "schema get": PEOPLE,
    "docs get": PEOPLE,
    # Integrations: their two doors, nothing else; managers may ask for a decision too.
    "webhook-ticket post": "key",
    "handlers-allocate post": "key mgr admin",
    "handlers-allocate-slash post": "key mgr admin",  # the same view, with a trailing slash
    # Tickets: lists are filtered per role (checked by content), objects by visibility.
    "ticket-list get": PEOPLE,
    "ticket-list post": PEOPLE,
    "ticket-detail get": SEES_TICKET,
    "ticket-detail patch": "agent mgr admin",  # an expert helps on it, never re-routes it
    "ticket-timeline get": SEES_TICKET,
    "ticket-timeline post": SEES_TICKET,
    "ticket-attachments get": SEES_TICKET,
    "ticket-attachments post": SEES_TICKET,
    "ticket-envelopes get": SEES_TICKET,  # a requester's list is empty
    "ticket-envelopes post": SEES_TICKET,  # validated first; the action refuses requesters
    "ticket-suggestions get": SEES_TICKET,
    "ticket-suggestion-used post": STAFF,  # validated first; the action checks visibility
    "ticket-flags post": "expert agent mgr admin",  # staff who see the ticket
    "ticket-flag delete": "expert agent mgr admin",
    "ticket-tasks get": "expert agent mgr admin",
    "ticket-tasks post": "expert agent mgr admin",
    "ticket-accept post": "agent mgr admin",
    "ticket-wait post": "mgr admin",  # a new ticket: only managers reach the state check
    "ticket-resume post": "req mgr admin",
    "ticket-resolve post": SEES_TICKET,  # validated first; the action checks the owner
    "ticket-close post": "req mgr admin",
    "ticket-reopen post": "req mgr admin",
    "ticket-transfer post": SEES_TICKET,  # validated first; the action checks the role
    "task-list get": STAFF,
    "task-detail get": "expert agent mgr admin",
    "task-detail patch": "expert agent mgr admin",
    "attachment-detail get": SEES_TICKET,
    "attachment-download get": SEES_TICKET,
    # People.
    "contact-list get": STAFF,
    "contact-list post": STAFF,
    "contact-detail get": STAFF,
    "contact-invite post": STAFF,  # the link goes to the contact's own address only
    "contact-password post": "mgr admin",
    "company-list get": STAFF,
    "company-list post": STAFF,
    "company-detail get": STAFF,
    "company-detail put": STAFF,
    "company-detail patch": STAFF,
    "company-contacts get": STAFF,
    "agent-list get": STAFF,
    "agent-list post": "admin",
    "agent-detail get": STAFF,
    # Envelopes: the addressed team's agents, managers, admins.
    "envelope-list get": PEOPLE,
    "envelope-detail get": "expert mgr admin",
    "envelope-accept post": "expert",
    "envelope-cancel post": "mgr admin",
    "envelope-complete post": "expert mgr admin",
    "envelope-entries get": "expert mgr admin",
    "envelope-entries post": "expert mgr admin",
    # Configuration: staff read, admins write.
    "team-list get": STAFF,
    "team-list post": "admin",
    "team-detail get": STAFF,
    "team-detail patch": "admin",
    "routing-group-list get": STAFF,
    "routing-group-detail get": STAFF,
    "routing-rule-list get": STAFF,
    "routing-rule-list post": "admin",
    "routing-rule-detail get": STAFF,
    "routing-rule-detail put": "admin",
    "routing-rule-detail patch": "admin",
    "routing-rule-detail delete": "admin",
    "routing-weights-list get": STAFF,
    "routing-weights-list post": "admin",
    "routing-weights-detail get": STAFF,
    "routing-weights-detail put": "admin",
    "routing-weights-detail patch": "admin",
    "routing-weights-detail delete": "admin",
    "routing-decision-list get": STAFF,
    "routing-decision-detail get": "expert agent mgr admin",
    "sla-policy-list get": STAFF,
    "sla-policy-list post": "admin",
    "sla-policy-detail get": STAFF,
    "sla-policy-detail patch": "admin",
    "sla-calendar-list get": STAFF,
    "sla-calendar-detail get": STAFF,
    # Each person's own things: the world's reminder and notification are the agent's.
    "reminder-list get": STAFF,
    "reminder-list post": STAFF,
    "reminder-detail get": "agent",
    "reminder-detail patch": "agent",
    "reminder-detail delete": "agent",
    "reminder-complete post": "agent",
    "reminder-snooze post": "agent",
    "notification-list get": PEOPLE,
    "notification-read-all post": PEOPLE,
    "notification-read post": "agent",
    "notification-unread post": "agent",
    "notification-preference-list get": STAFF,
    "notification-preference-detail put": STAFF,
    "notification-preference-detail delete": STAFF,
    # Knowledge base: published articles for everyone signed in, editing for staff.
    "kb-article-list get": PEOPLE,
    "kb-article-list post": STAFF,
    "kb-article-detail get": PEOPLE,
    "kb-article-detail patch": STAFF,
    "kb-article-vote post": PEOPLE,
    # Resolutions: the owner, managers and admins record; leads and managers decide.
    "ticket-resolutions get": "expert agent mgr admin",
    "ticket-resolutions post": "mgr admin",  # the world's ticket has no owner
    "approval-list get": STAFF,  # an agent who leads no team sees an empty queue
    "approval-approve post": "mgr admin",
    "approval-reject post": "mgr admin",
    "calibration-list get": "mgr admin",
    "calibration-detail get": "mgr admin",
    "calibration-generate post": "mgr admin",
    "calibration-review post": "mgr admin",
    "calibration-report get": "mgr admin",
    # Analytics.
    "analytics-dashboard get": "mgr admin",
    "analytics-trends get": "mgr admin",
    "analytics-team-performance get": "mgr admin",
    "analytics-routing-outcomes get": "mgr admin",
    "analytics-time-spent get": "mgr admin",
}


def allowed_roles(route_name: str, method: str) -> set[str]:
    return {SHORT[short] for short in POLICY[f"{route_name} {method}"].split()}
