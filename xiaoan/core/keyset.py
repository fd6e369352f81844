"""Keyset pagination: a page is the rows after (or before) one row's key in the list's order,
read from an index where the order has one, instead of counting off every row before it
(`OFFSET`), which reads them all.

The order must end with a unique column: `keys_of` appends the primary key when it is missing.
A nullable column sorts its empty values as larger than any value on every database (as
PostgreSQL does by default; SQLite is told `NULLS LAST` / `NULLS FIRST`).

A cursor is the signed key of the row a page starts after, with the direction and the number
of the page it was made on (a label: rows added meanwhile may shift it). A changed cursor, or one
made for another order, is refused with `Invalid`; a page may show the first page instead.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core import signing
from django.db.models import F, Model, OrderBy, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .errors import Invalid

SALT = "xiaoan.core.keyset"


@dataclass(frozen=True)
class Key:
    """One column of a list's order: its lookup path, its direction, whether it may be empty."""

    path: str
    descending: bool
    nullable: bool

    @property
    def spelled(self) -> str:
        return f"-{self.path}" if self.descending else self.path


@dataclass
class Page:
    rows: list[Any]
    number: int
    next: str | None
    previous: str | None

    @property
    def is_whole_list(self) -> bool:
        """The first page with nothing after it: its rows are the list's count."""
        return self.number == 1 and self.next is None and self.previous is None


def keys_of(queryset: QuerySet[Any]) -> list[Key]:
    """The queryset's order as keys, up to and including the primary key."""
    model = queryset.model
    pk = model._meta.pk.name
    keys: list[Key] = []
    for item in queryset.query.order_by or model._meta.ordering:
        path, descending = _path_and_direction(item)
        path = _column_path(model, pk if path == "pk" else path)
        if any(key.path == path for key in keys):
            continue
        keys.append(Key(path, descending, _nullable(model, path)))
        if path == pk:
            return keys
    keys.append(Key(pk, keys[-1].descending if keys else True, False))
    return keys


def _path_and_direction(item: Any) -> tuple[str, bool]:
    if isinstance(item, str):
        return item.lstrip("-"), item.startswith("-")
    if isinstance(item, OrderBy) and isinstance(item.expression, F):
        return str(item.expression.name), item.descending  # type: ignore[attr-defined]
    raise TypeError(f"keyset pagination cannot order by {item!r}")


def _fields(model: Any, path: str) -> Iterator[Any]:
    for part in path.split("__"):
        field = model._meta.get_field(part)
        yield field
        if field.is_relation:
            model = field.related_model


def _column_path(model: type[Model], path: str) -> str:
    """A path ending at a foreign key orders by its column (`school` → `school_id`)."""
    *_, last = _fields(model, path)
    if last.is_relation:
        return f"{path.rpartition('__')[0]}__{last.attname}".lstrip("_")
    return path


def _nullable(model: type[Model], path: str) -> bool:
    return any(getattr(field, "null", False) for field in _fields(model, path))


def order_by(keys: Sequence[Key], backwards: bool = False) -> list[OrderBy]:
    """The order of the keys (reversed when paging back), empty values largest."""
    order = []
    for key in keys:
        column = F(key.path)
        if key.descending != backwards:
            order.append(column.desc(nulls_first=True) if key.nullable else column.desc())
        else:
            order.append(column.asc(nulls_last=True) if key.nullable else column.asc())
    return order


def _beyond(key: Key, value: Any, down: bool) -> Q | None:
    """Rows strictly past `value` going down (or up) the column; None: none are."""
    if down:
        return (
            Q(**{f"{key.path}__isnull": False})
            if value is None
            else Q(**{f"{key.path}__lt": value})
        )
    if value is None:
        return None
    past = Q(**{f"{key.path}__gt": value})
    return past | Q(**{f"{key.path}__isnull": True}) if key.nullable else past


def _at_or_beyond(key: Key, value: Any, down: bool) -> Q | None:
    """Rows at `value` or past it, as one comparison an index can start from (`a <= x`,
    not `a < x OR a = x`); None: every row is."""
    if down:
        return None if value is None else Q(**{f"{key.path}__lte": value})
    if value is None:
        return Q(**{f"{key.path}__isnull": True})
    at = Q(**{f"{key.path}__gte": value})
    return at | Q(**{f"{key.path}__isnull": True}) if key.nullable else at


def _equal(key: Key, value: Any) -> Q:
    return Q(**{f"{key.path}__isnull": True}) if value is None else Q(**{key.path: value})


def after(keys: Sequence[Key], values: Sequence[Any], backwards: bool = False) -> Q:
    """Rows after the row whose key is `values` in the keys' order (before it, backwards):
    (a < x) or (a = x and b < y) or … The first column's bound (a ≤ x) is repeated alone so an
    index on the order starts at the row instead of reading every row before it."""
    rows: Q | None = None
    same = Q()
    for key, value in zip(keys, values, strict=True):
        beyond = _beyond(key, value, key.descending != backwards)
        if beyond is not None:
            rows = (same & beyond) if rows is None else rows | (same & beyond)
        same &= _equal(key, value)
    if rows is None:  # the last row of the order: nothing after it
        return Q(pk__in=[])
    bound = _at_or_beyond(keys[0], values[0], keys[0].descending != backwards)
    return rows if bound is None else bound & rows


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def key_values(keys: Sequence[Key], row: Any) -> list[Any]:
    """The row's key, as JSON values (read through the related objects the list selects, or
    the key's own columns read alone: a tuple)."""
    if isinstance(row, tuple):
        return [_plain(value) for value in row]
    values = []
    for key in keys:
        value = row
        for part in key.path.split("__"):
            value = None if value is None else getattr(value, part)
        values.append(_plain(value))
    return values


def cursor(keys: Sequence[Key], row: Any, backwards: bool, number: int) -> str:
    order = ",".join(key.spelled for key in keys)
    payload = {"o": order, "k": key_values(keys, row), "b": backwards, "p": number}
    return signing.dumps(payload, salt=SALT, compress=True)


def _read(token: str, keys: Sequence[Key]) -> tuple[list[Any], bool, int]:
    """The cursor's key, direction and page number; `Invalid` when changed or made for
    another order."""
    refused = Invalid(_("This page link is not valid: it was changed or made for another list."))
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise refused from None
    order = ",".join(key.spelled for key in keys)
    if not isinstance(payload, dict) or payload.get("o") != order:
        raise refused
    values, backwards, number = payload.get("k"), payload.get("b"), payload.get("p")
    if not isinstance(values, list) or len(values) != len(keys) or not isinstance(number, int):
        raise refused
    return values, bool(backwards), max(number, 1)


def paginate(
    queryset: QuerySet[Any], token: str | None, size: int, ids_first: bool = False
) -> Page:
    """One page of `size` rows: the first without a cursor, else the rows after (or before)
    the cursor's row. Always one query, whichever page; two with `ids_first`: the page's keys
    alone (the order's columns and the id, with only the joins the order needs), then its rows
    by their ids with the queryset's joins — for a list whose order an index gives only in
    part, which would otherwise join every matching row before keeping a page."""
    keys = keys_of(queryset)
    backwards, number = False, 1
    found = queryset
    if token:
        values, backwards, number = _read(token, keys)
        found = queryset.filter(after(keys, values, backwards))
    found = found.order_by(*order_by(keys, backwards))
    if ids_first:
        rows: list[Any] = list(found.values_list(*(key.path for key in keys))[: size + 1])
    else:
        rows = list(found[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
        number = max(number - 1, 1) if more else 1
    elif token:
        number += 1
    if not rows:
        return Page(rows, number, None, None)
    has_next = True if backwards else more
    has_previous = more if backwards else bool(token)
    last, first = rows[-1], rows[0]
    if ids_first:
        rows = rows_by_ids(queryset, [row[-1] for row in rows])
    return Page(
        rows,
        number,
        cursor(keys, last, False, number) if has_next else None,
        cursor(keys, first, True, number) if has_previous else None,
    )


def page_of(
    request: HttpRequest, queryset: QuerySet[Any], size: int, ids_first: bool = False
) -> Page:
    """A list page's rows by the request's `?cursor=` (the first page without one); a changed
    link shows the first page with a message."""
    try:
        return paginate(queryset, request.GET.get("cursor"), size, ids_first)
    except Invalid as error:
        messages.warning(request, _("%(reason)s The first page is shown.") % {"reason": error})
        return paginate(queryset, None, size, ids_first)


def first_rows(queryset: QuerySet[Any], size: int) -> list[Any]:
    """The queryset's first `size` rows in its order: their ids first (no joins, so an index
    on the order gives them), then those rows with the queryset's joins."""
    return rows_by_ids(queryset, list(queryset.values_list("pk", flat=True)[:size]))


def rows_by_ids(queryset: QuerySet[Any], ids: list[Any]) -> list[Any]:
    """The rows of `ids`, in that order, with the queryset's joins."""
    rows = {row.pk: row for row in queryset.order_by().filter(pk__in=ids)}
    return [rows[pk] for pk in ids if pk in rows]  # (one changed in between is left out)
