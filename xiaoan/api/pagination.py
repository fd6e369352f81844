from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.exceptions import NotFound
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
    before: offset, exact count — the offset taken over the page's ids alone, in the list's
    order (an index gives them, and no row before the page is joined), then those rows with
    their joins."""

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
        self.request = request
        if self.page_query_param in request.query_params:
            return self._numbered(queryset, request, view)
        size = self.get_page_size(request) or self.page_size or 50
        token = request.query_params.get(self.cursor_query_param)
        self.keyset_page = keyset.paginate(queryset, token, size, self.ids_first)
        page = self.keyset_page
        if page.is_whole_list:
            self.counted = counting.Total(len(page.rows))
        else:
            self.counted = self.total(queryset, request, view)
        return self.keyset_page.rows

    def _numbered(self, queryset: QuerySet[Any], request: Request, view: Any) -> list[Any]:
        size = self.get_page_size(request) or self.page_size or 50
        asked = request.query_params[self.page_query_param]
        try:
            number = int(asked)
        except ValueError:
            number = 0
        if asked in self.last_page_strings:
            number = max(1, -(-self._exact(queryset, request, view).n // size))
        if number < 1:
            raise NotFound(self.invalid_page_message)
        start = (number - 1) * size
        ids = list(queryset.values_list("pk", flat=True)[start : start + size + 1])
        if not ids and number > 1:
            raise NotFound(self.invalid_page_message)  # past the last page
        if number == 1 and len(ids) <= size:
            self.counted = counting.Total(len(ids))
        else:
            self.counted = self._exact(queryset, request, view)
        self.numbered = (number, len(ids) > size)
        return keyset.rows_by_ids(queryset, ids[:size])

    def _exact(self, queryset: QuerySet[Any], request: Request, view: Any) -> counting.Total:
        counted = self.total(queryset, request, view)  # exact from kept counts where it can be
        return counting.Total(queryset.count()) if counted.estimated else counted

    def _number_link(self, number: int) -> str:
        assert self.request is not None
        url = self.request.build_absolute_uri()
        if number == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, number)

    def _link(self, token: str | None) -> str | None:
        if token is None:
            return None
        assert self.request is not None
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return replace_query_param(url, self.cursor_query_param, token)

    def get_paginated_response(self, data: Any) -> Response:
        if self.keyset_page is None:
            number, more = self.numbered
            return Response(
                {
                    "count": self.counted.n,
                    "count_estimated": False,
                    "next": self._number_link(number + 1) if more else None,
                    "previous": self._number_link(number - 1) if number > 1 else None,
                    "results": data,
                }
            )
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
