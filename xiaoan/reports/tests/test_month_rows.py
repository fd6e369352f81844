"""`figures.month_rows` counts every month in one query; it gives what counting each month on
its own gives (found and closed in the month, open and overdue at its end against the deadline
of that day, `area_rows` summed): the demo district's campaign from July 2014 as it stood on
several days, extensions and a hazard closed after the month it was found in included."""

from __future__ import annotations

import datetime

import pytest

from conftest import committed_for_the_scope, load_demo
from xiaoan.campaigns.demo import demo_campaign
from xiaoan.hazards.models import Hazard
from xiaoan.reports.figures import area_rows, closed_between, month_bounds, month_rows, totals

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def campaign(django_db_setup, django_db_blocker, tmp_path_factory):
    with committed_for_the_scope(django_db_blocker, tmp_path_factory):
        load_demo("hazards")
        yield demo_campaign()


def each_month_on_its_own(hazards, start: datetime.date, as_of: datetime.date) -> list[dict]:
    rows = []
    year, month = start.year, start.month
    while (year, month) <= (as_of.year, as_of.month):
        first, last = month_bounds(year, month)
        month_end = min(last, as_of)
        carried = totals(area_rows(hazards.filter(found_on__lte=month_end), month_end))
        rows.append(
            {
                "month": f"{year}年{month}月",
                "key": f"{year}-{month:02d}",
                "found": hazards.filter(found_on__range=(first, last)).count(),
                "closed": hazards.filter(closed_between(first, last)).count(),
                "open": carried["open"],
                "overdue": carried["overdue"],
            }
        )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return rows


@pytest.mark.parametrize(
    "as_of",
    [
        datetime.date(2014, 7, 20),
        datetime.date(2014, 9, 30),
        datetime.date(2014, 11, 15),
        datetime.date(2014, 12, 31),
        datetime.date(2015, 3, 1),
    ],
)
def test_one_query_counts_as_each_month_on_its_own(campaign, as_of):
    hazards = Hazard.objects.filter(campaign=campaign)
    assert hazards.count() > 50
    start = campaign.start_date
    rows = month_rows(hazards, start, as_of)
    assert rows == each_month_on_its_own(hazards, start, as_of)
    if as_of >= datetime.date(2014, 11, 1):  # by then hazards were closed and some overdue
        assert sum(row["overdue"] for row in rows) > 0 and sum(row["closed"] for row in rows) > 0
