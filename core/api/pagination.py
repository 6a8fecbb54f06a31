from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core import keyset
from core.paging import EXACT_COUNT_BELOW, LongListPaginator


class Pagination(PageNumberPagination):
    """`?page=` and `?page_size=` (capped: a huge page size gets the maximum, not a 500)."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class LongListPagination(Pagination):
    """For lists that may hold millions of rows (core.paging): `count` is exact below 1,000
    and PostgreSQL's planner estimate above, which `count_is_estimate` says; a page is fetched
    by its ids first, so a deep page does not join what it skips. Besides `?page=`, `?cursor=`
    (the `next_cursor` or `previous_cursor` of a page) serves the page after or before it from
    the ordering's index, at the same cost however deep (core.keyset)."""

    cursor_query_param = "cursor"
    # A view may set how a page's rows are read from their ids (LongListPaginator's ``rows``).
    rows = None
    cursor = None

    def django_paginator_class(self, queryset, per_page) -> LongListPaginator:
        return LongListPaginator(queryset, per_page, rows=self.rows, keyed=True)

    def paginate_queryset(self, queryset, request, view=None):
        self.cursor = request.query_params.get(self.cursor_query_param) or None
        if self.cursor is None:
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        try:
            self.page = paginator.cursor_page(self.cursor)
        except keyset.BadCursor as error:
            raise ValidationError({self.cursor_query_param: [str(error)]}) from error
        return list(self.page)

    def get_next_link(self) -> str | None:
        if self.cursor is None:
            return super().get_next_link()
        return self._cursor_link(self.page.next_cursor)

    def get_previous_link(self) -> str | None:
        if self.cursor is None:
            return super().get_previous_link()
        return self._cursor_link(self.page.previous_cursor)

    def _cursor_link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_paginated_response(self, data) -> Response:
        return Response(
            {
                "count": self.page.paginator.count,
                "count_is_estimate": self.page.paginator.count_is_estimate,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
                "next_cursor": self.page.next_cursor,
                "previous_cursor": self.page.previous_cursor,
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
        for name, which in (("next_cursor", "after"), ("previous_cursor", "before")):
            shape["properties"][name] = {
                "type": "string",
                "nullable": True,
                "description": (
                    f"Opaque: pass it as `cursor` for the page {which} this one, served from "
                    "the ordering's index (the same cost at any depth). Null when there is no "
                    "such page, or the ordering (a search's relevance) has no cursors."
                ),
            }
        shape["required"] = [
            *shape.get("required", []),
            "count_is_estimate",
            "next_cursor",
            "previous_cursor",
        ]
        return shape

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": (
                    "A page's `next_cursor` or `previous_cursor`: the page after or before it "
                    "in the same ordering and filters (instead of `page`; `page_size` applies). "
                    "A cursor from another ordering, or altered, is refused with 400."
                ),
                "schema": {"type": "string"},
            },
        ]
