"""``POST /api/v1/webhooks/ticket``: a source system's payload in, a ticket out (API.md)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.base import APIView
from core.api.exceptions import error_response
from core.api.permissions import IsIntegration
from integrations.actions.webhooks import (
    IdempotencyConflict,
    Received,
    body_hash,
    check_signature,
    ingest,
    record_refusal,
)
from integrations.api.serializers import WebhookResultSerializer
from integrations.plugins import get_source
from integrations.standard import PayloadError

ERRORS = OpenApiResponse(description='{"errors": {"<field>": ["message"]}}')
HEADERS = [
    OpenApiParameter(
        "X-Source-ID",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        required=True,
        description="servicenow | jira | glpi | solman | generic | any registered source plugin",
    ),
    OpenApiParameter(
        "X-Signature",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description='"sha256=<hex HMAC-SHA256 of \\"<X-Timestamp>.\\" + body>" with the '
        "source's secret",
    ),
    OpenApiParameter("X-Timestamp", OpenApiTypes.STR, OpenApiParameter.HEADER),
    OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER),
]


class WebhookView(APIView):
    permission_classes = [IsIntegration]
    _received: Received | None = None
    _logged = False

    @extend_schema(
        summary="Deliver a ticket from a source system (its own payload or a StandardTicket)",
        description="Api-Key of the source named by X-Source-ID. 202 new ticket; 200 duplicate "
        "(same source id, or same Idempotency-Key and body) or updated (update event); 409 "
        "same Idempotency-Key with another body; 401 wrong key or signature; 404 unknown source. "
        "A StandardTicket's `requester` may carry `crm_id` (the CRM of ITSM_CRM_NAME): the "
        "contact with that id is the requester, before any match by e-mail; a new contact gets "
        "it, and joins the company of its e-mail domain.",
        parameters=HEADERS,
        request=OpenApiTypes.OBJECT,
        responses={
            202: WebhookResultSerializer,
            200: WebhookResultSerializer,
            400: ERRORS,
            401: ERRORS,
            403: ERRORS,
            404: ERRORS,
            409: ERRORS,
            413: ERRORS,
            415: ERRORS,
            429: ERRORS,
        },
    )
    def post(self, request: Request) -> Response:
        body = request.body  # read raw first: the signature covers these exact bytes
        source = request.headers.get("X-Source-ID", "").strip()
        idempotency_key = request.headers.get("Idempotency-Key", "").strip()
        self._received = Received(
            source=source[:40],
            key_prefix=request.user.api_key.prefix,
            idempotency_key=idempotency_key[:200],
            body_sha256=body_hash(body),
            remote_addr=request.META.get("REMOTE_ADDR", ""),
        )
        if not source:
            raise exceptions.ValidationError({"X-Source-ID": ["This header is required."]})
        plugin = get_source(source)
        if plugin is None:
            return error_response(
                {"X-Source-ID": [f"Unknown source '{source[:40]}'."]}, status.HTTP_404_NOT_FOUND
            )
        if request.user.source != source:
            raise exceptions.AuthenticationFailed("This API key does not belong to this source.")
        refused = check_signature(
            source=source,
            body=body,
            signature=request.headers.get("X-Signature", ""),
            timestamp=request.headers.get("X-Timestamp", ""),
        )
        if refused:
            raise exceptions.AuthenticationFailed(refused)
        if len(idempotency_key) > 200:
            raise exceptions.ValidationError({"Idempotency-Key": ["At most 200 characters."]})
        payload = request.data
        if not isinstance(payload, dict):
            raise exceptions.ValidationError({"non_field_errors": ["Send a JSON object."]})
        try:
            event = plugin.parse(payload, headers=dict(request.headers))
        except PayloadError as error:
            raise exceptions.ValidationError(error.errors) from error
        try:
            result = ingest(event=event, received=self._received, actor=request.user)
        except IdempotencyConflict as error:
            return error_response({"Idempotency-Key": [str(error)]}, status.HTTP_409_CONFLICT)
        self._logged = True
        return Response(
            {
                "status": result.status,
                "ticket_id": str(result.ticket.pk),
                "ticket_number": result.ticket.reference,
            },
            status=result.http_status,
        )

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if not self._logged and response.status_code >= 400:
            # Refused before or inside post: authentication, throttle, permission, payload...
            user = getattr(request, "_user", None)  # set once authentication was attempted
            api_key = getattr(user, "api_key", None)
            received = self._received or Received(
                source=request.headers.get("X-Source-ID", "")[:40],
                key_prefix=api_key.prefix if api_key is not None else "",
                idempotency_key=request.headers.get("Idempotency-Key", "")[:200],
                remote_addr=request.META.get("REMOTE_ADDR", ""),
            )
            record_refusal(
                received=received,
                status_code=response.status_code,
                reason=_reason(response),
                actor=user if api_key is not None else None,
            )
        return response


def _reason(response: Response) -> str:
    errors = (response.data or {}).get("errors") if isinstance(response.data, dict) else None
    if not isinstance(errors, dict):
        return f"HTTP {response.status_code}"
    return "; ".join(
        f"{field}: {' '.join(map(str, messages))}" for field, messages in errors.items()
    )
