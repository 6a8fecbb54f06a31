"""A ticket's flags in the API: ``POST /api/v1/tickets/<id>/flags/`` ``{"kind", "reason"}`` sets
one (201; 200 with the flag as it was when already set: nothing happens twice), ``DELETE
/api/v1/tickets/<id>/flags/<kind>/`` takes it off (204; 404 when it is not set). Staff who may
see the ticket; the flag service (tickets.actions.flags) does the rest."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.base import APIView
from core.api.fields import PersonSerializer, StrictInputSerializer
from core.api.permissions import IsStaffRole
from tickets.actions import flags
from tickets.models import CaseFlag
from tickets.selectors import visible_tickets

ERRORS = OpenApiResponse(description='{"errors": {"<field>": ["message"]}}')
KINDS = ", ".join(f"`{kind}`" for kind in CaseFlag.Kind.values)


class FlagSerializer(serializers.ModelSerializer):
    reason = serializers.CharField(source="note")
    created_by = PersonSerializer(allow_null=True)

    class Meta:
        model = CaseFlag
        fields = ["kind", "reason", "created_by", "created_at"]
        read_only_fields = fields


class FlagInputSerializer(StrictInputSerializer):
    kind = serializers.CharField(max_length=40, help_text=f"One of {KINDS}.")
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


def _ticket_id(request: Request, pk) -> object:
    """The ticket, if the caller may see it (404 otherwise, as for the ticket itself)."""
    return visible_tickets(request.user).values_list("pk", flat=True).get(pk=pk)


class TicketFlagsView(APIView):
    permission_classes = [IsStaffRole]

    @extend_schema(
        summary="Flag a ticket (its side effects run once)",
        description=(
            f"`kind` is one of {KINDS}. A new flag is audited, on the timeline, and acts once: "
            "`social_media` tells the managers and moves the SLA clock to the next stricter "
            "policy; `legal` opens an envelope to the legal team (`ITSM_LEGAL_TEAM`; 400 when "
            "none is configured, nothing written); `vip` raises the priority score; "
            "`repeat_contact` tells the owner. 201 for a new flag; 200 with the flag as it was "
            "when the ticket has it already (nothing happens again)."
        ),
        request=FlagInputSerializer,
        responses={201: FlagSerializer, 200: FlagSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS},
    )
    def post(self, request: Request, pk=None) -> Response:
        ticket_id = _ticket_id(request, pk)
        data = request.data if request.data is not None else {}
        serializer = FlagInputSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        kind, reason = serializer.validated_data["kind"], serializer.validated_data["reason"]
        had = CaseFlag.objects.filter(ticket_id=ticket_id, kind=kind).exists()
        flag = flags.add_flag(ticket_id=ticket_id, actor=request.user, kind=kind, note=reason)
        code = status.HTTP_200_OK if had else status.HTTP_201_CREATED
        return Response(FlagSerializer(flag).data, code)


class TicketFlagView(APIView):
    permission_classes = [IsStaffRole]

    @extend_schema(
        summary="Take a flag off a ticket",
        description="Audited and on the timeline; a `social_media` flag's SLA upgrade goes "
        "with it. 404 when the ticket does not have the flag; 400 for an unknown kind.",
        request=None,
        responses={204: None, 400: ERRORS, 403: ERRORS, 404: ERRORS},
    )
    def delete(self, request: Request, pk=None, kind: str = "") -> Response:
        ticket_id = _ticket_id(request, pk)
        if not flags.remove_flag(ticket_id=ticket_id, actor=request.user, kind=kind):
            raise CaseFlag.DoesNotExist(f"The ticket is not flagged {kind}.")
        return Response(status=status.HTTP_204_NO_CONTENT)
