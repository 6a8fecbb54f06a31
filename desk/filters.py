"""The ticket FilterSet, shared by the ticket API and the agent pages (NetBox style); its
``sla_state`` filter asks the SLA app."""

import uuid

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import F, OrderBy, QuerySet
from rest_framework.filters import OrderingFilter

from core.api.filters import UtcDateTimeFilter
from core.roles import Role, role_of
from sla.selectors import STATE_LABELS, clocks_in_state
from tickets.lifecycle import TicketStatus
from tickets.models import Priority, Ticket, TicketType
from tickets.search import RANK, search_tickets


class TicketFilterSet(django_filters.FilterSet):
    # distinct=False: a column of the ticket itself joins nothing, so no row repeats; the
    # default SELECT DISTINCT compared every column of every row (20x the list's cost).
    status = django_filters.MultipleChoiceFilter(choices=TicketStatus.choices, distinct=False)
    priority = django_filters.MultipleChoiceFilter(choices=Priority.choices, distinct=False)
    type = django_filters.MultipleChoiceFilter(choices=TicketType.choices, distinct=False)
    team = django_filters.CharFilter(
        method="filter_team", help_text="Team id (UUID) or slug; `none` for unrouted tickets."
    )
    owner = django_filters.CharFilter(
        method="filter_owner", help_text="Owner e-mail, user id, `me`, or `none` for unowned."
    )
    requester = django_filters.CharFilter(
        method="filter_requester", help_text="The requester's e-mail or contact id."
    )
    category = django_filters.CharFilter(field_name="category", lookup_expr="iexact")
    source = django_filters.CharFilter(field_name="source", lookup_expr="iexact")
    sla_state = django_filters.ChoiceFilter(
        choices=list(STATE_LABELS.items()),  # the values stay the API's; the labels are read
        method="filter_sla_state",
        help_text="The SLA state now (see the ticket's `sla.state`).",
    )
    created_after = UtcDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcDateTimeFilter(field_name="created_at", lookup_expr="lt")
    q = django_filters.CharFilter(
        method="filter_q",
        help_text="Words in the title, the description or the timeline entries you may see.",
    )

    class Meta:
        model = Ticket
        fields = ["status", "priority", "type", "category", "source"]

    def filter_team(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "none":
            return queryset.filter(team__isnull=True)
        if _looks_like_uuid(value):
            return queryset.filter(team_id=value)
        return queryset.filter(team__slug=value)

    def filter_owner(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "none":
            return queryset.filter(owner__isnull=True)
        if value == "me":
            return queryset.filter(owner=self.request.user.pk if self.request else None)
        if value.isdigit():
            user_id = int(value)
            return queryset.filter(owner_id=user_id) if user_id < 2**63 else queryset.none()
        # The owners' ids read first (one short statement): the list's own statements then name
        # the owner, as ``me`` does, and the planner sizes the list from the owner's statistics;
        # behind a join on the e-mail it guessed 482 of an owner's 7,150 tickets at a million,
        # and the page counted all of them exactly (docs/benchmarks.md, "The list page's own
        # CPU"). An e-mail of nobody is an empty list without walking the list's index.
        users = get_user_model()._default_manager.filter(email__iexact=value)
        owners = list(users.values_list("pk", flat=True))
        return queryset.filter(owner_id__in=owners) if owners else queryset.none()

    def filter_requester(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value.isdigit():
            if int(value) >= 2**63:  # past bigint: no such contact (and no 500)
                return queryset.none()
            return queryset.filter(requester_id=int(value))
        return queryset.filter(requester__email__iexact=value)

    def filter_sla_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(id__in=clocks_in_state(value).values("ticket_id"))

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        user = self.request.user if self.request else None
        # Requesters' words come from public entries only; staff see internal ones too.
        return search_tickets(queryset, value, internal=role_of(user) != Role.REQUESTER)


class RankedOrdering(OrderingFilter):
    """``?ordering=`` as DRF has it; a search without one orders by relevance first (the
    ``search_rank`` tickets.search annotates on PostgreSQL), then by the default order."""

    def get_ordering(self, request, queryset, view) -> list[str]:
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if RANK in queryset.query.annotations and not request.query_params.get(self.ordering_param):
            return [f"-{RANK}", *ordering]
        return ordering


# Orderings whose column may be empty (a ticket without a running SLA clock): those rows go last
# either way, on PostgreSQL (which puts them last ascending anyway: the index's order) and on
# SQLite alike.
NULLABLE_ORDERINGS = frozenset({"sla_due"})


def order_term(term: str) -> str | OrderBy:
    name = term.removeprefix("-")
    if name not in NULLABLE_ORDERINGS:
        return term
    return F(name).desc(nulls_last=True) if term.startswith("-") else F(name).asc(nulls_last=True)


class TicketOrderingFilter(RankedOrdering):
    """DRF's ``?ordering=`` (a search by relevance first, RankedOrdering), with the tickets
    without a running SLA clock last for ``sla_due``, and the id as the last tie-break."""

    def filter_queryset(self, request, queryset: QuerySet, view) -> QuerySet:
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        if not {"id", "-id", "pk", "-pk"} & set(ordering):
            ordering = [*ordering, "id"]  # ties settled: pages neither repeat nor skip; cursors
        return queryset.order_by(*(order_term(term) for term in ordering))


def _looks_like_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
