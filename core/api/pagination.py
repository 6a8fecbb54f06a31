from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """`?page=` and `?page_size=` (capped: a huge page size gets the maximum, not a 500)."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
