from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from xiaoan.core import counting, keyset


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class KeysetPagination(Pagination):
    """Pages by keyset for the large lists: `next` and `previous` carry a cursor (the key of
    the row the page starts after, signed) and `count` may be an estimate (`count_estimated`),
    so a page costs the same whichever it is (a first page with nothing after it counts its
    rows). A client that asks for a page number (`?page=`) gets the numbered pages as
    before: offset, exact count."""

    cursor_query_param = "cursor"
    ids_first = False  # `keyset.paginate`'s: the page's keys first, then its rows by id
    cursor_query_description = (
        "The page after (or before) a row: the cursor of a `next` or `previous` link, "
        "as given. Without it and without `page`, the first page."
    )

    def total(self, queryset: QuerySet[Any], request: Request, view: Any) -> counting.Total:
        return counting.total(queryset)

    def paginate_queryset(  # type: ignore[override]
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any] | None:
        self.keyset_page: keyset.Page | None = None
        if self.page_query_param in request.query_params:
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        size = self.get_page_size(request) or self.page_size or 50
        token = request.query_params.get(self.cursor_query_param)
        self.keyset_page = keyset.paginate(queryset, token, size, self.ids_first)
        page = self.keyset_page
        if page.is_whole_list:
            self.counted = counting.Total(len(page.rows))
        else:
            self.counted = self.total(queryset, request, view)
        return self.keyset_page.rows

    def _link(self, token: str | None) -> str | None:
        if token is None:
            return None
        assert self.request is not None
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return replace_query_param(url, self.cursor_query_param, token)

    def get_paginated_response(self, data: Any) -> Response:
        if self.keyset_page is None:
            numbered = super().get_paginated_response(data).data
            return Response({"count": numbered.pop("count"), "count_estimated": False, **numbered})
        return Response(
            {
                "count": self.counted.n,
                "count_estimated": self.counted.estimated,
                "next": self._link(self.keyset_page.next),
                "previous": self._link(self.keyset_page.previous),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        described = super().get_paginated_response_schema(schema)
        properties = described["properties"]
        properties["count_estimated"] = {
            "type": "boolean",
            "description": "True when `count` is the database's estimate (a large filtered "
            "list on PostgreSQL), not a count.",
        }
        described["required"] = [*described.get("required", []), "count_estimated"]
        return described

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        cursor = {
            "name": self.cursor_query_param,
            "required": False,
            "in": "query",
            "description": self.cursor_query_description,
            "schema": {"type": "string"},
        }
        return [cursor, *super().get_schema_operation_parameters(view)]
