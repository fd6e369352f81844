"""The lists of open and overdue hazards read their partial indexes, in their order.

On PostgreSQL only: SQLite can use a partial index only when the query spells its condition
with the same literals, and Django sends `status IN (?, ?)` with bound values, so SQLite takes
the figures index and sorts (correct, slower). The board's order itself is tested in
test_views.py on both.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction

from xiaoan.hazards.choices import HazardStatus
from xiaoan.hazards.models import Hazard


def _plan(queryset) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        # A test's few rows: forbid scanning the table and sorting, so the plan shows whether
        # an index can give the rows in their order.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        return queryset.explain()


@pytest.fixture
def lists(bureau_admin, alice):
    district = Hazard.objects.for_user(bureau_admin)
    today = datetime.date(2014, 9, 20)
    return {
        "hazard_overdue_bureau_idx": district.overdue(today).order_by("deadline", "id")[:100],
        "hazard_supervised_open_idx": (
            district.open().filter(supervised=True).order_by("deadline", "id")[:100]
        ),
        "hazard_overdue_school_idx": (
            Hazard.objects.for_user(alice)
            .filter(status__in=HazardStatus.overdue_states())
            .order_by("deadline", "id")[:100]
        ),
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="see the module's docstring")
@pytest.mark.parametrize(
    "index",
    ["hazard_overdue_bureau_idx", "hazard_supervised_open_idx", "hazard_overdue_school_idx"],
)
def test_the_boards_lists_read_their_partial_index(lists, index):
    plan = _plan(lists[index])
    # With a test's few rows, the deadline's overdue index (which holds the bureau and the
    # school too, for a city's or a province's board: test_board_pages.py) serves an overdue
    # list as cheaply, in the same order; in a province's database a district's board reads
    # its bureau's (plan in docs/architecture.md).
    overdue = index != "hazard_supervised_open_idx"
    assert index in plan or (overdue and "hazard_overdue_deadline_idx" in plan), plan
    assert "Sort" not in plan  # the index gives the order
