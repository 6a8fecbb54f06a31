"""`generic`: POST the AllocationDecision JSON (API.md) to the configured URL, signed like
inbound webhooks (``X-Signature: sha256=<hmac of "<timestamp>." + body>``, ``X-Timestamp``)
when the endpoint has a signing secret; ``Idempotency-Key`` is the decision id."""

import json
import time

from integrations import signing
from integrations.plugins import Endpoint, HandlerPlugin, OutboundRequest, TicketFacts


class GenericHandler(HandlerPlugin):
    def build_requests(
        self, *, decision: dict, ticket: TicketFacts, endpoint: Endpoint
    ) -> list[OutboundRequest]:
        body = json.dumps(decision, separators=(",", ":"), sort_keys=True).encode()
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": str(decision.get("decision_id") or ""),
            **self.auth_headers(endpoint),
        }
        if endpoint.signing_secret:
            headers.update(
                signing.signed_headers(secret=endpoint.signing_secret, body=body, now=time.time())
            )
        return [OutboundRequest("POST", endpoint.url, headers, body)]
