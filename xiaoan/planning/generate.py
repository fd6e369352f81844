"""A generated district for the backtest, seeded: most schools have a few hazards at random,
and a few have problems that keep coming back (the same area, every month or two), file their
monthly reports late more often and leave more hazards open past their deadline.

Everything is made with `objects.create`/`bulk_create`, outside the workflow (no events, no
notifications): it is test data, made inside a transaction the caller rolls back.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from xiaoan.hazards.models import Area, Hazard
from xiaoan.inspections.models import Inspection
from xiaoan.reports.models import MonthlyReport, due_date_for
from xiaoan.schools.choices import RegionLevel, SchoolKind
from xiaoan.schools.models import Bureau, Region, School

START = datetime.date(2013, 9, 1)
DAY = datetime.date(2014, 9, 30)  # the day the scores are counted on
END = datetime.date(2015, 6, 30)
OPENED = datetime.date(2000, 9, 1)


@dataclass
class District:
    bureau: Bureau
    schools: list[School]
    troubled: set[int]  # the schools planted with recurring problems
    day: datetime.date = DAY


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)


def _days(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def generate(
    *, seed: int = 1, schools: int = 40, troubled: int = 6, code: str = "339901"
) -> District:
    """A district of `schools` schools, `troubled` of them with recurring problems."""
    rng = random.Random(seed)
    region = Region.objects.create(code=code, name=f"模拟区{seed}", level=RegionLevel.DISTRICT)
    bureau = Bureau.objects.create(region=region, name=f"模拟区{seed}教育局")
    kinds = [SchoolKind.PRIMARY, SchoolKind.JUNIOR, SchoolKind.KINDERGARTEN]
    made = [
        School.objects.create(
            bureau=bureau,
            code=f"M{i + 1:03d}",
            name=f"模拟区第{i + 1}学校",
            kind=kinds[i % len(kinds)],
            opened_on=OPENED,
        )
        for i in range(schools)
    ]
    bad = {s.pk for s in rng.sample(made, troubled)}
    user = get_user_model().objects.create(username=f"simulated-{code}")
    district = District(bureau, made, bad)
    areas = list(Area.objects.all())
    hazards: list[Hazard] = []
    for school in made:
        hazards += _hazards(rng, school, areas, school.pk in bad)
    for n, hazard in enumerate(hazards, start=1):
        hazard.code = f"MN-{n:06d}"
        hazard.reported_by = user
    Hazard.objects.bulk_create(hazards, batch_size=500)
    _reports(rng, district)
    _inspections(rng, district, user)
    return district


def _hazard(
    rng: random.Random, school: School, area: Any, found: datetime.date, slow: bool
) -> Hazard:
    """A hazard found on `found`, closed some weeks later (later still, or never, at a
    school that is slow to rectify)."""
    took = rng.randrange(10, 90 if slow else 45)
    closed = found + datetime.timedelta(days=took)
    still_open = closed > END or (slow and rng.random() < 0.25)
    return Hazard(
        bureau=school.bureau,
        school=school,
        area=area,
        level="major" if rng.random() < (0.08 if slow else 0.03) else "general",
        source="inspection",
        description="模拟隐患",
        found_on=found,
        status="rectifying" if still_open else "closed",
        deadline=found + datetime.timedelta(days=30),
        closed_at=None if still_open else _at(closed),
    )


def _hazards(rng: random.Random, school: School, areas: list[Any], bad: bool) -> list[Hazard]:
    """A few random hazards a year; a troubled school's weak areas come back every one to
    three months (and one in three of the others also has one weak area, by chance)."""
    made = [
        _hazard(rng, school, rng.choice(areas), _days(rng, START, END), bad)
        for _ in range(rng.randrange(1, 5))
    ]
    weak = rng.sample(areas, 2) if bad else ([rng.choice(areas)] if rng.random() < 0.3 else [])
    for area in weak:
        found = _days(rng, START, START + datetime.timedelta(days=90))
        while found <= END:
            if not bad and found > DAY and rng.random() < 0.5:
                break  # a chance problem the school got on top of
            made.append(_hazard(rng, school, area, found, bad))
            found += datetime.timedelta(days=rng.randrange(30, 100 if bad else 200))
    return made


def _reports(rng: random.Random, district: District) -> None:
    """Monthly reports from September 2013: mostly on time, late or missing more often at a
    troubled school."""
    rows = []
    year, month = START.year, START.month
    while due_date_for(year, month) <= END:
        due = due_date_for(year, month)
        for school in district.schools:
            late = 0.35 if school.pk in district.troubled else 0.12
            if rng.random() < late / 3:
                continue  # missing
            sent = due + datetime.timedelta(
                days=rng.randrange(1, 12) if rng.random() < late else -rng.randrange(0, 4)
            )
            rows.append(
                MonthlyReport(
                    school=school,
                    year=year,
                    month=month,
                    status="accepted",
                    due_date=due,
                    first_submitted_at=_at(sent),
                    submitted_at=_at(sent),
                )
            )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    MonthlyReport.objects.bulk_create(rows, batch_size=500)


def _inspections(rng: random.Random, district: District, user: Any) -> None:
    """The bureau visits every school once or twice a year, on days at random."""
    rows = []
    for school in district.schools:
        for _ in range(rng.randrange(1, 3)):
            day = _days(rng, START, END)
            rows.append(
                Inspection(
                    school=school,
                    kind="spot",
                    date=day,
                    status="submitted",
                    signed_by="督查组",
                    signed_at=_at(day),
                    created_by=user,
                )
            )
    Inspection.objects.bulk_create(rows, batch_size=500)
