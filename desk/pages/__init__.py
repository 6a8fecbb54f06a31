"""The agent pages and the requester portal: server-rendered templates (htmx where it helps).
Reads start from tickets.selectors.visible_tickets; every write calls an action."""
