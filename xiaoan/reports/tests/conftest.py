"""Hand-counted ledgers for the reports' tests."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from xiaoan.hazards.models import Area, Hazard

ZONE = ZoneInfo("Asia/Shanghai")


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=ZONE)


@pytest.fixture
def make_hazard(bureau_admin):
    counter = iter(range(1, 10_000))

    def make(school, area: str, found_on, status="assigned", **fields) -> Hazard:
        return Hazard.objects.create(
            bureau_id=school.bureau_id,
            code=f"YH-{found_on.year}-{next(counter):04d}",
            school=school,
            area=Area.objects.get(code=area),
            source="inspection",
            description=fields.pop("description", f"{area} hazard"),
            found_on=found_on,
            reported_by=bureau_admin,
            status=status,
            **fields,
        )

    return make


@pytest.fixture
def september_ledger(school_a, school_b, make_hazard):
    """School A in September 2014, counted by hand:

    found in September: fire 2 (one closed 20 Sep, one rectifying with deadline 25 Sep → overdue
    on 30 Sep), food 1 (major, assigned, deadline 10 Oct); found in August, closed 3 Sep:
    building 1; found in October: lab 1 (must not count). School B: vehicle 1 in September.
    """
    d = datetime.date
    return [
        make_hazard(
            school_a,
            "fire",
            d(2014, 9, 2),
            "closed",
            closed_at=at(d(2014, 9, 20)),
            deadline=d(2014, 9, 15),
        ),
        make_hazard(school_a, "fire", d(2014, 9, 5), "rectifying", deadline=d(2014, 9, 25)),
        make_hazard(
            school_a, "food", d(2014, 9, 12), "assigned", level="major", deadline=d(2014, 10, 10)
        ),
        make_hazard(
            school_a,
            "building",
            d(2014, 8, 20),
            "closed",
            closed_at=at(d(2014, 9, 3)),
            deadline=d(2014, 9, 1),
        ),
        make_hazard(school_a, "lab", d(2014, 10, 2), "reported"),
        make_hazard(school_b, "vehicle", d(2014, 9, 8), "assigned", deadline=d(2014, 12, 1)),
    ]
