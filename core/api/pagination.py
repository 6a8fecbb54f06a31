from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from core.paging import EXACT_COUNT_BELOW, LongListPaginator


class Pagination(PageNumberPagination):
    """`?page=` and `?page_size=` (capped: a huge page size gets the maximum, not a 500)."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class LongListPagination(Pagination):
    """For lists that may hold millions of rows (core.paging): `count` is exact below 1,000
    and PostgreSQL's planner estimate above, which `count_is_estimate` says; a page is fetched
    by its ids first, so a deep page does not join what it skips."""

    # A view may set how a page's rows are read from their ids (LongListPaginator's ``rows``).
    rows = None

    def django_paginator_class(self, queryset, per_page) -> LongListPaginator:
        return LongListPaginator(queryset, per_page, rows=self.rows)

    def get_paginated_response(self, data) -> Response:
        return Response(
            {
                "count": self.page.paginator.count,
                "count_is_estimate": self.page.paginator.count_is_estimate,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        shape = super().get_paginated_response_schema(schema)
        shape["properties"]["count"]["description"] = (
            f"Exact below {EXACT_COUNT_BELOW:,} rows; above, PostgreSQL's planner estimate."
        )
        shape["properties"]["count_is_estimate"] = {
            "type": "boolean",
            "description": "Whether `count` is an estimate (large lists on PostgreSQL).",
        }
        shape["required"] = [*shape.get("required", []), "count_is_estimate"]
        return shape
