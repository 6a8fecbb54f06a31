"""``/api/v1/companies/``: companies with their tier, e-mail domains and CRM id (staff list,
read, create and change them; writes through tickets.actions.companies), and each company's
contacts at ``/api/v1/companies/<id>/contacts/``."""

from django.conf import settings
from django.db.models import Prefetch
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.base import GenericViewSet
from core.api.fields import StrictInputSerializer
from core.api.pagination import Pagination
from core.api.permissions import IsStaffRole
from tickets.actions import companies
from tickets.api.serializers import ContactSerializer
from tickets.companies import BadDomain, normalize_domain
from tickets.models import Company, CompanyDomain, Contact, Tier

ERRORS = OpenApiResponse(description='{"errors": {"<field>": ["message"]}}')
CRM = getattr(settings, "ITSM_CRM_NAME", "HubSpot")
CRM_HELP = (
    f"The company's record id in the CRM (ITSM_CRM_NAME, here {CRM}); unique among companies "
    "where set; null for none."
)
DOMAINS_HELP = (
    "E-mail domains of the company's people, lower case (e.g. acme.com). Each belongs to one "
    "company. A new requester at one of them, or at a subdomain of one (eu.acme.com), joins "
    "the company; case does not matter."
)


class CompanySerializer(serializers.ModelSerializer):
    domains = serializers.SerializerMethodField(help_text=DOMAINS_HELP)
    crm_id = serializers.CharField(allow_null=True, help_text=CRM_HELP)

    class Meta:
        model = Company
        fields = ["id", "name", "domains", "tier", "crm_id"]
        read_only_fields = fields

    def get_domains(self, company: Company) -> list[str]:
        return [row.domain for row in company.domains.all()]


class CompanyInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=200)
    tier = serializers.ChoiceField(choices=Tier.choices, default=Tier.STANDARD)
    domains = serializers.ListField(
        child=serializers.CharField(max_length=253),
        max_length=companies.MAX_DOMAINS,
        default=list,
        help_text=DOMAINS_HELP,
    )
    crm_id = serializers.CharField(
        max_length=100, allow_null=True, allow_blank=True, required=False, help_text=CRM_HELP
    )


class CompanyChangeSerializer(CompanyInputSerializer):
    """The fields sent are changed; ``domains`` replaces the whole list."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            field.default = serializers.empty


def with_domains(queryset):
    return queryset.prefetch_related(
        Prefetch("domains", queryset=CompanyDomain.objects.order_by("domain"))
    )


@extend_schema_view(
    list=extend_schema(
        summary="Companies (staff)",
        parameters=[
            OpenApiParameter("domain", description="Only the company holding this e-mail domain.")
        ],
    ),
    retrieve=extend_schema(summary="One company", responses={200: CompanySerializer, 404: ERRORS}),
)
class CompanyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    serializer_class = CompanySerializer
    permission_classes = [IsStaffRole]
    filterset_fields = ["tier"]
    ordering_fields = ["name", "created_at"]
    ordering = ["name"]

    def get_queryset(self):
        queryset = with_domains(Company.objects.all())
        wanted = self.request.query_params.get("domain") if self.action == "list" else None
        if wanted:
            try:
                queryset = queryset.filter(domains__domain=normalize_domain(wanted))
            except BadDomain:
                queryset = queryset.none()
        return queryset

    def _respond(self, company: Company, code: int = status.HTTP_200_OK) -> Response:
        fresh = with_domains(Company.objects.all()).get(pk=company.pk)
        return Response(CompanySerializer(fresh).data, code)

    def _input(self, serializer_class, request: Request) -> dict:
        serializer = serializer_class(data=request.data if request.data is not None else {})
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(
        summary="Add a company",
        request=CompanyInputSerializer,
        responses={201: CompanySerializer, 400: ERRORS, 403: ERRORS},
    )
    def create(self, request: Request) -> Response:
        data = self._input(CompanyInputSerializer, request)
        company = companies.create_company(actor=request.user, **data)
        return self._respond(company, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a company (the fields sent; `domains` replaces the list)",
        request=CompanyChangeSerializer,
        responses={200: CompanySerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        company = self.get_object()
        changes = self._input(CompanyChangeSerializer, request)
        company = companies.update_company(
            actor=request.user, company_id=company.pk, changes=changes
        )
        return self._respond(company)

    @extend_schema(
        summary="Replace a company's name, tier, domains and CRM id",
        request=CompanyInputSerializer,
        responses={200: CompanySerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS},
    )
    def update(self, request: Request, pk=None) -> Response:
        company = self.get_object()
        changes = self._input(CompanyInputSerializer, request)
        changes.setdefault("crm_id", None)
        company = companies.update_company(
            actor=request.user, company_id=company.pk, changes=changes
        )
        return self._respond(company)

    @extend_schema(
        summary="The company's contacts",
        responses={200: ContactSerializer(many=True), 404: ERRORS},
        filters=False,
    )
    @action(
        detail=True, methods=["get"], filterset_fields=None, ordering_fields=None, ordering=None
    )
    def contacts(self, request: Request, pk=None) -> Response:
        company = self.get_object()
        rows = Contact.objects.filter(company=company).select_related("company", "user")
        paginator = Pagination()
        page = paginator.paginate_queryset(rows.order_by("email"), request, view=self)
        return paginator.get_paginated_response(ContactSerializer(page, many=True).data)
