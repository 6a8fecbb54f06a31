"""Endpoints of tickets' parts: attachments, tasks and contacts (declarative viewsets whose
writes call the ticket actions). The ticket resource itself is desk.api's."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.base import GenericViewSet
from core.api.permissions import IsAnyRole, IsManagerOrAdmin, IsStaffRole
from tickets.actions import contacts, logins, tasks
from tickets.api import serializers as s
from tickets.api.filters import TaskFilterSet
from tickets.models import Contact, Task
from tickets.selectors import visible_attachments, visible_tickets

ERRORS = OpenApiResponse(description='{"errors": {"<field>": ["message"]}}')


# Types a browser would run or render as a page: always sent as opaque bytes.
ACTIVE_CONTENT_TYPES = ("html", "svg", "xml", "javascript", "ecmascript", "xhtml")


@extend_schema_view(
    retrieve=extend_schema(summary="One attachment's details"),
)
class AttachmentViewSet(mixins.RetrieveModelMixin, GenericViewSet):
    serializer_class = s.AttachmentSerializer
    permission_classes = [IsAnyRole]
    lookup_value_converter = "uuid"

    def get_queryset(self):
        return visible_attachments(self.request.user)

    @extend_schema(
        summary="Download (always as an attachment, never rendered inline)",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: ERRORS},
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk=None) -> FileResponse:
        attachment = self.get_object()
        content_type = attachment.content_type.lower()
        if any(marker in content_type for marker in ACTIVE_CONTENT_TYPES):
            content_type = "application/octet-stream"
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.filename,
            content_type=content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


@extend_schema_view(
    retrieve=extend_schema(summary="One task", responses={200: s.TaskSerializer, 404: ERRORS}),
    list=extend_schema(summary="Tasks on tickets you may see"),
)
class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    serializer_class = s.TaskSerializer
    permission_classes = [IsStaffRole]
    filterset_class = TaskFilterSet
    ordering_fields = ["due_date", "created_at"]
    ordering = ["due_date", "created_at"]
    lookup_value_converter = "uuid"

    def get_queryset(self):
        tickets = visible_tickets(self.request.user).values("pk")
        return Task.objects.filter(ticket_id__in=tickets).select_related("assigned_to")

    @extend_schema(
        summary="Move a task along todo / in_progress / done / cancelled",
        request=s.TaskUpdateSerializer,
        responses={200: s.TaskSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS, 409: ERRORS},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        task = self.get_object()
        serializer = s.TaskUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        updated = tasks.set_task_status(
            task_id=task.pk, actor=request.user, status=serializer.validated_data["status"]
        )
        return Response(s.TaskSerializer(self.get_queryset().get(pk=updated.pk)).data)


@extend_schema_view(
    list=extend_schema(summary="Contacts (requesters)"),
    retrieve=extend_schema(summary="One contact"),
)
class ContactViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    serializer_class = s.ContactSerializer
    permission_classes = [IsStaffRole]
    queryset = Contact.objects.select_related("company", "user").order_by("email")
    search_fields = ["email", "name"]
    ordering_fields = ["email", "name", "created_at"]
    filterset_fields = ["tier"]

    @extend_schema(
        summary="Add a contact, for an address no contact or login uses yet",
        description="With `invite`, the contact is e-mailed a one-time link to choose a "
        "password. Only managers and admins may set `password` directly (an agent's is a 400 "
        "on `password`). An address a contact or a login (a staff member's) has: 400 on `email`.",
        request=s.ContactCreateSerializer,
        responses={201: s.ContactSerializer, 400: ERRORS, 403: ERRORS},
    )
    def create(self, request: Request) -> Response:
        serializer = s.ContactCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contact = contacts.create_contact(actor=request.user, **serializer.validated_data)
        return Response(s.ContactSerializer(contact).data, status.HTTP_201_CREATED)

    @extend_schema(
        summary="E-mail the contact a one-time link to choose a password (again)",
        request=None,
        responses={200: s.ContactSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS},
    )
    @action(detail=True, methods=["post"])
    def invite(self, request: Request, pk=None) -> Response:
        contact = self.get_object()
        logins.invite_contact(actor=request.user, contact_id=contact.pk)
        return Response(s.ContactSerializer(self.get_queryset().get(pk=contact.pk)).data)

    @extend_schema(
        summary="Set the contact's password (managers and admins)",
        request=s.ContactPasswordSerializer,
        responses={200: s.ContactSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS},
    )
    @action(detail=True, methods=["post"], permission_classes=[IsManagerOrAdmin])
    def password(self, request: Request, pk=None) -> Response:
        contact = self.get_object()
        serializer = s.ContactPasswordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        password = serializer.validated_data["password"]
        logins.set_contact_password(actor=request.user, contact_id=contact.pk, password=password)
        return Response(s.ContactSerializer(self.get_queryset().get(pk=contact.pk)).data)
