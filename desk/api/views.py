"""The ticket resource of /api/v1/tickets/: list, read, create, change, the lifecycle actions,
and its timeline, tasks and files. Declarative viewsets; writes call the ticket actions."""

from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.base import GenericViewSet
from core.api.pagination import LongListPagination, Pagination
from core.api.permissions import IsAnyRole
from core.roles import Role, is_staff_role, role_of
from core.tasks import delivered_after_response
from desk.api import list_rows
from desk.api.serializers import TicketSerializer, TicketTaskCreateSerializer
from desk.filters import TicketFilterSet, TicketOrderingFilter
from routing.selectors import latest_decision_prefetch
from tickets.actions import attachments, creation, lifecycle, ownership, timeline, updates
from tickets.actions import tasks as ticket_tasks
from tickets.api import serializers as s
from tickets.models import CaseFlag, Ticket
from tickets.selectors import visible_attachments, visible_tickets, visible_timeline

ERRORS = OpenApiResponse(description='{"errors": {"<field>": ["message"]}}')
ACTION_RESPONSES = {200: TicketSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS, 409: ERRORS}


def with_related(tickets):
    return tickets.select_related(
        "requester__company", "team", "owner", "sla_clock__policy"
    ).prefetch_related(
        Prefetch("flags", queryset=CaseFlag.objects.order_by("kind")),
        latest_decision_prefetch(),
    )


def as_just_created(ticket: Ticket) -> Ticket:
    """A ticket this request created, as ``with_related`` would have read it back right after
    the commit: nothing has happened to it since but what runs after the response, so it has no
    flags, no SLA clock and no decision yet, and the rest is in memory. Reading it back was
    about a third of the CPU of a create (docs/benchmarks.md, "Delivery in batches")."""
    # As prefetch_related leaves it: a result cache, so iterating compiles no SQL (a none()
    # queryset still builds its query before it finds it empty).
    flags = CaseFlag.objects.none()
    flags._result_cache, flags._prefetch_done = [], True
    ticket._prefetched_objects_cache = {"flags": flags}
    Ticket.sla_clock.related.set_cached_value(ticket, None)
    ticket.latest_allocation_decisions = []
    return ticket


def ticket_queryset(user):
    return with_related(visible_tickets(user))


def ticket_part(**options):
    """A ticket's own collection (timeline, tasks, files): GET lists it a page at a time with
    the plain paginator, POST adds to it; the ticket list's filters and ordering do not apply."""
    return action(
        detail=True,
        methods=["get", "post"],
        filterset_class=None,
        ordering_fields=None,
        pagination_class=Pagination,
        **options,
    )


@extend_schema_view(
    list=extend_schema(
        summary="Tickets you may see, filtered, searched and ordered",
        description=(
            "Built for millions of tickets. `count` is exact below 1,000 tickets; above, it is "
            "PostgreSQL's planner estimate and `count_is_estimate` is true (a page past an "
            "estimated end answers with an empty `results`, not 404). Default order: priority "
            "score (highest first), then created, then id. `ordering` also takes `created_at`, "
            "`updated_at`, `reference`, `priority` and `sla_due` (the SLA clock's resolution "
            "due time until the ticket is resolved; tickets without one, resolved, paused "
            "before it fell due or without a clock, last), each with `-` to reverse. Deep "
            "pages: every page also answers `next_cursor` and `previous_cursor`; `?cursor=` "
            "with one of them serves the page "
            "after or before it from the ordering's index, at the same cost however deep "
            "(not for a search ordered by relevance: those are null)."
        ),
    ),
    retrieve=extend_schema(summary="One ticket", responses={200: TicketSerializer, 404: ERRORS}),
)
class TicketViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    GenericViewSet,
):
    serializer_class = TicketSerializer
    permission_classes = [IsAnyRole]
    filterset_class = TicketFilterSet
    filter_backends = [DjangoFilterBackend, TicketOrderingFilter]
    pagination_class = LongListPagination
    ordering_fields = [
        "priority_score",
        "created_at",
        "updated_at",
        "reference",
        "priority",
        "sla_due",
    ]
    # The id settles ties (many tickets share a score): pages neither repeat nor skip rows.
    ordering = ["-priority_score", "created_at", "id"]
    lookup_value_converter = "uuid"

    def get_queryset(self):
        if self.action == "list":  # the page's ids only: its rows are read by list_rows
            tickets = visible_tickets(self.request.user, resolved=True)
        else:
            tickets = ticket_queryset(self.request.user)
        return tickets

    def list(self, request: Request) -> Response:
        """The page's ids through the filters, ordering and paginator; its rows as plain
        dicts (desk.api.list_rows: TicketSerializer's JSON without its per-row cost)."""
        tickets = self.filter_queryset(self.get_queryset())
        self.paginator.rows = list_rows.ticket_rows
        return self.get_paginated_response(self.paginate_queryset(tickets))

    def _respond(self, ticket: Ticket, code: int = status.HTTP_200_OK) -> Response:
        # The caller sees the result of what they just did, even when it moved the ticket
        # out of their sight (created for another team, handed to another team).
        fresh = with_related(Ticket.objects.all()).get(pk=ticket.pk)
        return Response(TicketSerializer(fresh, context=self.get_serializer_context()).data, code)

    def _respond_created(self, ticket: Ticket) -> Response:
        if not delivered_after_response():
            return self._respond(ticket, status.HTTP_201_CREATED)  # routed already, read it
        context = self.get_serializer_context()
        created = as_just_created(ticket)
        return Response(TicketSerializer(created, context=context).data, status.HTTP_201_CREATED)

    def _input(self, serializer_class, request: Request) -> dict:
        data = request.data if request.data is not None else {}
        serializer = serializer_class(data=data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    # --- create / update ---------------------------------------------------------------------

    @extend_schema(
        summary="Open a ticket",
        description=(
            "Requesters send title, description, type, category and open for themselves. "
            "Agents, managers and admins also send requester {email, name}, priority, urgency "
            "and impact. A requester e-mail no contact has yet makes one, unless a login (a "
            "staff member's) has it: 400 on `requester.email`."
        ),
        request=s.StaffTicketCreateSerializer,
        responses={201: TicketSerializer, 400: ERRORS, 403: ERRORS},
    )
    def create(self, request: Request) -> Response:
        user = request.user
        if role_of(user) == Role.REQUESTER:
            data = self._input(s.RequesterTicketCreateSerializer, request)
            requester = {"email": user.contact.email, "name": user.contact.name}
        else:
            data = self._input(s.StaffTicketCreateSerializer, request)
            requester = data.pop("requester")
        ticket = creation.create_ticket(
            actor=user,
            data=creation.NewTicket(
                title=data["title"],
                description=data["description"],
                type=data["type"],
                category=data["category"],
                priority=data.get("priority"),
                urgency=data.get("urgency", ""),
                impact=data.get("impact", ""),
                requester_email=requester["email"],
                requester_name=requester.get("name", ""),
                source="api",
            ),
        )
        return self._respond_created(ticket)

    @extend_schema(
        summary="Change a ticket's descriptive fields (owner and status are refused: 400)",
        request=s.TicketUpdateSerializer,
        responses={200: TicketSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        ticket = self.get_object()
        changes = self._input(s.TicketUpdateSerializer, request)
        updated = updates.update_ticket(ticket_id=ticket.pk, actor=request.user, changes=changes)
        return self._respond(updated)

    # --- lifecycle actions ------------------------------------------------------------------

    @extend_schema(
        summary="Become the owner", request=s.EmptySerializer, responses=ACTION_RESPONSES
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk=None) -> Response:
        ticket = self.get_object()
        self._input(s.EmptySerializer, request)
        return self._respond(ownership.accept_ticket(ticket_id=ticket.pk, actor=request.user))

    @extend_schema(
        summary="Transfer ownership (departed or absent agent; managers and admins)",
        request=s.TransferSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk=None) -> Response:
        ticket = self.get_object()
        data = self._input(s.TransferSerializer, request)
        result = ownership.transfer_ownership(
            ticket_id=ticket.pk, actor=request.user, to_user=data["to"], reason=data["reason"]
        )
        return self._respond(result)

    @extend_schema(
        summary="Wait on the requester", request=s.ReasonSerializer, responses=ACTION_RESPONSES
    )
    @action(detail=True, methods=["post"])
    def wait(self, request: Request, pk=None) -> Response:
        ticket = self.get_object()
        data = self._input(s.ReasonSerializer, request)
        return self._respond(
            lifecycle.wait_ticket(ticket_id=ticket.pk, actor=request.user, reason=data["reason"])
        )

    @extend_schema(
        summary="Resume a waiting ticket", request=s.EmptySerializer, responses=ACTION_RESPONSES
    )
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk=None) -> Response:
        ticket = self.get_object()
        self._input(s.EmptySerializer, request)
        return self._respond(lifecycle.resume_ticket(ticket_id=ticket.pk, actor=request.user))

    @extend_schema(summary="Resolve", request=s.ResolveSerializer, responses=ACTION_RESPONSES)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk=None) -> Response:
        ticket = self.get_object()
        data = self._input(s.ResolveSerializer, request)
        return self._respond(
            lifecycle.resolve_ticket(
                ticket_id=ticket.pk, actor=request.user, resolution=data["resolution"]
            )
        )

    @extend_schema(
        summary="Reopen a resolved ticket", request=s.ReasonSerializer, responses=ACTION_RESPONSES
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk=None) -> Response:
        ticket = self.get_object()
        data = self._input(s.ReasonSerializer, request)
        return self._respond(
            lifecycle.reopen_ticket(ticket_id=ticket.pk, actor=request.user, reason=data["reason"])
        )

    @extend_schema(
        summary="Close a resolved ticket", request=s.EmptySerializer, responses=ACTION_RESPONSES
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk=None) -> Response:
        ticket = self.get_object()
        self._input(s.EmptySerializer, request)
        return self._respond(lifecycle.close_ticket(ticket_id=ticket.pk, actor=request.user))

    # --- timeline and tasks -----------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        summary="The timeline you may see",
        responses={200: s.TimelineEntrySerializer(many=True), 404: ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Post a reply or a note (requesters: public only)",
        request=s.TimelineEntryCreateSerializer,
        responses={201: s.TimelineEntrySerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS},
    )
    @ticket_part()
    def timeline(self, request: Request, pk=None) -> Response:
        ticket = self.get_object()
        if request.method == "POST":
            data = self._input(s.TimelineEntryCreateSerializer, request)
            entry = timeline.add_timeline_entry(ticket_id=ticket.pk, actor=request.user, **data)
            return Response(s.TimelineEntrySerializer(entry).data, status.HTTP_201_CREATED)
        entries = visible_timeline(request.user, ticket).order_by("created_at")
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(s.TimelineEntrySerializer(page, many=True).data)

    @extend_schema(
        methods=["GET"],
        summary="Tasks on the ticket",
        responses={200: s.TaskSerializer(many=True), 404: ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a task (owner, manager, admin)",
        description="409 when the ticket is resolved or closed: it takes no new tasks.",
        request=s.TaskCreateSerializer,
        responses={201: s.TaskSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS, 409: ERRORS},
    )
    @ticket_part()
    def tasks(self, request: Request, pk=None) -> Response:
        ticket = self.get_object()
        if not is_staff_role(request.user):
            raise PermissionDenied("Tasks are for the service desk.")
        if request.method == "POST":
            data = self._input(TicketTaskCreateSerializer, request)
            task = ticket_tasks.create_task(ticket_id=ticket.pk, actor=request.user, **data)
            return Response(s.TaskSerializer(task).data, status.HTTP_201_CREATED)
        tasks = ticket.tasks.select_related("assigned_to").order_by("due_date", "created_at")
        page = self.paginate_queryset(tasks)
        return self.get_paginated_response(s.TaskSerializer(page, many=True).data)

    @extend_schema(
        methods=["GET"],
        summary="Files on the ticket you may see",
        responses={200: s.AttachmentSerializer(many=True), 404: ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Attach a file (multipart/form-data: file, visibility)",
        request={"multipart/form-data": s.AttachmentUploadSerializer},
        responses={201: s.AttachmentSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS},
    )
    @ticket_part(parser_classes=[MultiPartParser])
    def attachments(self, request: Request, pk=None) -> Response:
        ticket = self.get_object()
        if request.method == "POST":
            data = self._input(s.AttachmentUploadSerializer, request)
            attachment = attachments.add_attachment(
                ticket_id=ticket.pk,
                actor=request.user,
                upload=data["file"],
                visibility=data["visibility"],
            )
            return Response(s.AttachmentSerializer(attachment).data, status.HTTP_201_CREATED)
        files = visible_attachments(request.user).filter(ticket=ticket).order_by("created_at")
        page = self.paginate_queryset(files)
        return self.get_paginated_response(s.AttachmentSerializer(page, many=True).data)
