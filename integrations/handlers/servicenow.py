"""`servicenow`: PATCH the incident's assignment_group and assigned_to through the Table API
(``PATCH <url>/api/now/table/incident/<sys_id>``), basic auth or an OAuth bearer token.
Values are sent as display values unless ``options`` maps them: ``{"groups": {"<team name>":
"<sys_id>"}, "users": {"<agent email>": "<sys_id>"}}``. Only for tickets from ServiceNow."""

import json
from urllib.parse import quote

from integrations.plugins import Endpoint, HandlerPlugin, OutboundRequest, TicketFacts


class ServiceNowHandler(HandlerPlugin):
    source = "servicenow"

    def applies_to(self, *, ticket: TicketFacts) -> bool:
        return ticket.source == self.source and bool(ticket.external_id)

    def build_requests(
        self, *, decision: dict, ticket: TicketFacts, endpoint: Endpoint
    ) -> list[OutboundRequest]:
        allocation = decision.get("allocation")
        if not allocation:
            return []
        groups = endpoint.options.get("groups") or {}
        users = endpoint.options.get("users") or {}
        group = allocation["group_name"]
        user = allocation.get("assigned_user") or ""
        body = {
            "assignment_group": groups.get(group, group),
            "assigned_to": users.get(user, user),
            "work_notes": f"Routed by the service desk: {decision.get('rationale', '')}",
        }
        display = "false" if groups or users else "true"
        sys_id = quote(ticket.external_id, safe="")
        url = (
            f"{endpoint.url.rstrip('/')}/api/now/table/incident/{sys_id}"
            f"?sysparm_input_display_value={display}"
        )
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            **self.auth_headers(endpoint),
        }
        return [OutboundRequest("PATCH", url, headers, json.dumps(body).encode())]
