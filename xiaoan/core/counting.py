"""How many rows a list has, without reading them all when it has many.

`COUNT(*)` of a filtered list reads every matching row (or index entry): at a province's size,
hundreds of thousands for one page. On PostgreSQL the planner's estimate of the rows
(`EXPLAIN (FORMAT JSON)`, no rows read) answers instead when it is above `EXACT_UP_TO`, rounded
and shown as an estimate; below it, or on SQLite, which has no estimate, the rows are counted.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import QuerySet

# Counting this many rows costs a few milliseconds; an estimate above it is shown as one.
EXACT_UP_TO = 10_000


@dataclass(frozen=True)
class Total:
    n: int
    estimated: bool = False


def rounded(n: int) -> int:
    """An estimate to its first three figures (123,457 → 123,000): it is not more exact."""
    if n < 1000:
        return n
    step = 10 ** (int(math.log10(n)) - 2)
    return round(n / step) * step


def planner_rows(queryset: QuerySet[Any]) -> int | None:
    """PostgreSQL's estimate of the rows the queryset returns; None on other databases."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def total(queryset: QuerySet[Any], exact_up_to: int = EXACT_UP_TO) -> Total:
    """The estimate when the planner expects more than `exact_up_to` rows, else the count."""
    if queryset.query.is_empty():
        return Total(0)
    estimate = planner_rows(queryset)
    if estimate is not None and estimate > exact_up_to:
        return Total(rounded(estimate), estimated=True)
    return Total(queryset.count())
