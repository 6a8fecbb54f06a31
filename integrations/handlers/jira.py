"""`jira`: set the assignee (``PUT <url>/rest/api/2/issue/<key>/assignee``) and add a comment
with the rationale (``POST <url>/rest/api/2/issue/<key>/comment``). The assignee is
``{"accountId": ...}`` when ``options.users`` maps the agent's e-mail (Jira Cloud), else
``{"name": <e-mail>}`` (Server / Data Center). Basic auth (e-mail + API token) or a bearer
token. Only for tickets from Jira."""

import json
from urllib.parse import quote

from integrations.plugins import Endpoint, HandlerPlugin, OutboundRequest, TicketFacts


class JiraHandler(HandlerPlugin):
    source = "jira"

    def applies_to(self, *, ticket: TicketFacts) -> bool:
        return ticket.source == self.source and bool(self.issue_key(ticket))

    @staticmethod
    def issue_key(ticket: TicketFacts) -> str:
        return str(ticket.external_metadata.get("issue_key") or ticket.external_id)

    def build_requests(
        self, *, decision: dict, ticket: TicketFacts, endpoint: Endpoint
    ) -> list[OutboundRequest]:
        allocation = decision.get("allocation")
        base = (
            f"{endpoint.url.rstrip('/')}/rest/api/2/issue/{quote(self.issue_key(ticket), safe='')}"
        )
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            **self.auth_headers(endpoint),
        }
        requests = []
        user = (allocation or {}).get("assigned_user")
        if user:
            account = (endpoint.options.get("users") or {}).get(user)
            assignee = {"accountId": account} if account else {"name": user}
            requests.append(
                OutboundRequest("PUT", f"{base}/assignee", headers, json.dumps(assignee).encode())
            )
        group = allocation["group_name"] if allocation else "no team"
        comment = {
            "body": f"Routed to {group} by the service desk. {decision.get('rationale', '')}"
        }
        requests.append(
            OutboundRequest("POST", f"{base}/comment", headers, json.dumps(comment).encode())
        )
        return requests
