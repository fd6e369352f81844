"""A small constructed district for the score: two schools of the `bureau` fixture, hazards,
reports, drills and inspections made with `objects.create`, dated in 2014."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest

from xiaoan.hazards.models import Area, Hazard
from xiaoan.inspections.models import Inspection

DAY = datetime.date(2014, 10, 15)
_numbers = itertools.count(1)


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)


@pytest.fixture
def make_hazard(bureau_admin):
    def make(school: Any, area: str = "fire", **fields: Any) -> Hazard:
        found = fields.pop("found_on", datetime.date(2014, 9, 1))
        closed = fields.pop("closed_on", None)
        values = {
            "level": "general",
            "source": "inspection",
            "description": "楼梯间堆放杂物",
            "status": "closed" if closed else "rectifying",
            "deadline": found + datetime.timedelta(days=30),
            "closed_at": _at(closed) if closed else None,
            **fields,
        }
        return Hazard.objects.create(
            bureau=school.bureau,
            code=f"YH-2014-{next(_numbers):04d}",
            school=school,
            area=Area.objects.get(code=area),
            found_on=found,
            reported_by=bureau_admin,
            **values,
        )

    return make


@pytest.fixture
def make_inspection(bureau_admin):
    def make(school: Any, day: datetime.date, kind: str = "spot") -> Inspection:
        return Inspection.objects.create(
            school=school,
            kind=kind,
            date=day,
            status="submitted",
            signed_by="王科长",
            signed_at=_at(day),
            created_by=bureau_admin,
        )

    return make
