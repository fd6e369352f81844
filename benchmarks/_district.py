"""A generated district for the benchmarks: schools, hazards with their history, two users.

Hazards are made and saved in chunks, so a million of them never sit in memory at once.
Each hazard has its opinion event (with the deadline it set) a day after it was found; one
in ten had its deadline extended by 15 days twenty days later: the reports read past
deadlines from this history.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

CHUNK = 20_000


@dataclass
class District:
    bureau: Any
    schools: list[Any]
    user: Any  # who found and assigned every hazard


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)


def generate(
    *,
    code: str,
    schools: int,
    hazards: int,
    start: datetime.date,
    days: int,
    open_share: Callable[[int], float] | None = None,
    seed: int = 300,
    progress: Callable[[int], None] | None = None,
) -> District:
    """A district `code` (six digits) of `schools` schools and `hazards` hazards found over
    `days` days from `start`. `open_share(age)` is the chance that a hazard found `age` days
    before the last day is still open (default: three in ten, whatever its age)."""
    from django.contrib.auth import get_user_model

    from xiaoan.hazards.models import Area
    from xiaoan.schools.choices import RegionLevel, SchoolKind
    from xiaoan.schools.models import Bureau, Region, School

    rng = random.Random(seed)
    region = Region.objects.create(code=code, name=f"基准区{code}", level=RegionLevel.DISTRICT)
    bureau = Bureau.objects.create(region=region, name=f"基准区{code}教育局")
    kinds = list(SchoolKind)
    School.objects.bulk_create(
        School(bureau=bureau, code=f"B{i:04d}", name=f"基准区第{i}学校", kind=kinds[i % len(kinds)])
        for i in range(schools)
    )
    district = District(
        bureau=bureau,
        schools=list(School.objects.filter(bureau=bureau).order_by("code")),
        user=get_user_model().objects.create(username=f"bench-{code}"),
    )
    areas = list(Area.objects.all())
    share = open_share or (lambda age: 0.3)
    made = 0
    while made < hazards:
        size = min(CHUNK, hazards - made)
        _chunk(district, areas, rng, made, size, start, days, share)
        made += size
        if progress:
            progress(made)
    return district


def _chunk(
    district: District,
    areas: list[Any],
    rng: random.Random,
    first: int,
    size: int,
    start: datetime.date,
    days: int,
    share: Callable[[int], float],
) -> None:
    from django.db import transaction

    from xiaoan.hazards.models import Hazard

    open_states = ["rectifying", "assigned", "awaiting_verification"]
    made = []
    for n in range(first, first + size):
        age = rng.randrange(days)
        found = start + datetime.timedelta(days=days - 1 - age)
        status = rng.choice(open_states) if rng.random() < share(age) else "closed"
        deadline = found + datetime.timedelta(days=30)
        if rng.random() < 0.1:
            deadline += datetime.timedelta(days=15)
        level = "major" if rng.random() < 0.01 else "general"
        closed = _at(found + datetime.timedelta(days=rng.randrange(5, 40)))
        made.append(
            Hazard(
                bureau=district.bureau,
                code=f"YH-{found.year}-{n + 1:07d}",
                school=rng.choice(district.schools),
                area=rng.choice(areas),
                level=level,
                source="inspection",
                description="基准隐患",
                found_on=found,
                reported_by=district.user,
                status=status,
                opinion="按期整改",
                deadline=deadline,
                closed_at=closed if status == "closed" else None,
                supervised=level == "major" and status != "closed" and rng.random() < 0.5,
            )
        )
    with transaction.atomic():  # one commit per chunk, not one per batch
        Hazard.objects.bulk_create(made, batch_size=1000)
        _history(made, district.user)


def _history(hazards: list[Any], user: Any) -> None:
    from xiaoan.hazards.models import HazardEvent

    events = []
    for hazard in hazards:
        first = hazard.found_on + datetime.timedelta(days=30)
        events.append(
            HazardEvent(
                hazard=hazard,
                actor=user,
                kind="assigned",
                from_status="reported",
                to_status="assigned",
                data={"deadline": first.isoformat()},
                created_at=_at(hazard.found_on + datetime.timedelta(days=1)),
            )
        )
        if hazard.deadline != first:
            events.append(
                HazardEvent(
                    hazard=hazard,
                    actor=user,
                    kind="extension_approved",
                    from_status="rectifying",
                    to_status="rectifying",
                    data={"requested": hazard.deadline.isoformat()},
                    created_at=_at(hazard.found_on + datetime.timedelta(days=20)),
                )
            )
    stamp = HazardEvent._meta.get_field("created_at")
    stamp.auto_now_add = False  # type: ignore[attr-defined]  # keep the dates of the history
    try:
        HazardEvent.objects.bulk_create(events, batch_size=1000)
    finally:
        stamp.auto_now_add = True  # type: ignore[attr-defined]


def monthly_reports(district: District, months: list[tuple[int, int]], seed: int = 12) -> int:
    """Each school's report for each month: most on time, some late, a few missing."""
    from xiaoan.reports.models import MonthlyReport, due_date_for

    rng = random.Random(seed)
    reports = []
    for year, month in months:
        due = due_date_for(year, month)
        for school in district.schools:
            if rng.random() < 0.05:
                continue  # missing
            sent = due + datetime.timedelta(days=rng.choice([-3, -1, 0, 0, 2, 6]))
            reports.append(
                MonthlyReport(
                    school=school,
                    year=year,
                    month=month,
                    status="accepted",
                    due_date=due,
                    submitted_at=_at(sent),
                    first_submitted_at=_at(sent),
                    submitted_by=district.user,
                )
            )
    MonthlyReport.objects.bulk_create(reports, batch_size=1000)
    return len(reports)


def member(district: District, username: str, role: str, school: Any = None) -> Any:
    """A user of the district with `role` (at `school` for a school role)."""
    from django.contrib.auth import get_user_model

    from xiaoan.accounts.models import Membership

    user = get_user_model().objects.create(username=username)
    Membership.objects.create(user=user, role=role, bureau=district.bureau, school=school)
    return user
