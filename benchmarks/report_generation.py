"""How long the quarterly report takes: for the demo district and for a generated district of
300 schools and 10,000 hazards (with their opinions and some extensions in their history), in
each format (figures + narrative, then each file)."""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable
from typing import Any

SCHOOLS = 300
HAZARDS = 10_000


def timed(label: str, work: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = work()
    print(f"  {label:<48} {time.perf_counter() - started:7.2f} s")
    return result


def quarterly(bureau: Any, year: int, quarter: int, today: datetime.date) -> None:
    from xiaoan.reports import official
    from xiaoan.reports.choices import OfficialKind
    from xiaoan.reports.exports import render

    report = timed(
        "figures and narrative",
        lambda: official.generate(
            OfficialKind.QUARTERLY, bureau, year=year, quarter=quarter, today=today
        ),
    )
    document = timed("document (tables and chart)", lambda: official.build_document(report))
    for fmt in ("docx", "pdf", "xlsx"):
        data = timed(f"render {fmt}", lambda fmt=fmt: render(document, fmt))
        print(f"  {'':<48} {len(data) / 1024:7.0f} KiB")


def big_district() -> Any:
    """A second district: 300 schools, 10,000 hazards spread over the second half of 2014."""
    from django.contrib.auth import get_user_model

    from xiaoan.hazards.models import Area, Hazard
    from xiaoan.schools.choices import RegionLevel, SchoolKind
    from xiaoan.schools.models import Bureau, Region, School

    rng = random.Random(300)
    region = Region.objects.create(code="339999", name="基准区", level=RegionLevel.DISTRICT)
    bureau = Bureau.objects.create(region=region, name="基准区教育局")
    kinds = list(SchoolKind)
    School.objects.bulk_create(
        School(bureau=bureau, code=f"B{i:04d}", name=f"基准区第{i}学校", kind=kinds[i % len(kinds)])
        for i in range(SCHOOLS)
    )
    schools = list(School.objects.filter(bureau=bureau))
    areas = list(Area.objects.all())
    user = get_user_model().objects.create(username="bench")
    statuses = ["closed"] * 7 + ["rectifying", "assigned", "awaiting_verification"]
    start = datetime.date(2014, 7, 1)
    hazards = []
    for n in range(HAZARDS):
        found = start + datetime.timedelta(days=rng.randrange(184))
        status = rng.choice(statuses)
        closed = datetime.datetime.combine(
            found + datetime.timedelta(days=rng.randrange(5, 40)),
            datetime.time(10),
            tzinfo=datetime.UTC,
        )
        hazards.append(
            Hazard(
                bureau=bureau,
                code=f"YH-2014-{n + 1:05d}",
                school=rng.choice(schools),
                area=rng.choice(areas),
                level=(level := "major" if rng.random() < 0.01 else "general"),
                source="inspection",
                description="基准隐患",
                found_on=found,
                reported_by=user,
                status=status,
                deadline=found + datetime.timedelta(days=30),
                closed_at=closed if status == "closed" else None,
                supervised=level == "major" and status != "closed" and rng.random() < 0.5,
            )
        )
    Hazard.objects.bulk_create(hazards, batch_size=1000)
    _history(Hazard.objects.filter(bureau=bureau), user, rng)
    return bureau


def _history(hazards: Any, user: Any, rng: random.Random) -> None:
    """Each hazard's opinion (with its deadline) a day after it was found; one in ten extended
    by 15 days twenty days later: the reports read past deadlines from this history."""
    from xiaoan.hazards.models import Hazard, HazardEvent

    def at(day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)

    events, extended = [], []
    for hazard in hazards.only("pk", "found_on", "deadline"):
        first = hazard.found_on + datetime.timedelta(days=30)
        events.append(
            HazardEvent(
                hazard=hazard,
                actor=user,
                kind="assigned",
                from_status="reported",
                to_status="assigned",
                data={"deadline": first.isoformat()},
                created_at=at(hazard.found_on + datetime.timedelta(days=1)),
            )
        )
        if rng.random() < 0.1:
            later = first + datetime.timedelta(days=15)
            events.append(
                HazardEvent(
                    hazard=hazard,
                    actor=user,
                    kind="extension_approved",
                    from_status="rectifying",
                    to_status="rectifying",
                    data={"requested": later.isoformat()},
                    created_at=at(hazard.found_on + datetime.timedelta(days=20)),
                )
            )
            hazard.deadline = later
            extended.append(hazard)
    stamp = HazardEvent._meta.get_field("created_at")
    stamp.auto_now_add = False  # type: ignore[attr-defined]  # keep the dates of the history
    try:
        HazardEvent.objects.bulk_create(events, batch_size=1000)
    finally:
        stamp.auto_now_add = True  # type: ignore[attr-defined]
    Hazard.objects.bulk_update(extended, ["deadline"], batch_size=1000)


def run() -> None:
    from xiaoan.campaigns import demo as campaigns
    from xiaoan.hazards import demo as hazards
    from xiaoan.schools import demo as schools

    timed(
        "load the demo district (schools, campaign, hazards)",
        lambda: (schools.load(), campaigns.load(), hazards.load()),
    )
    print("demo district (79 schools, 103 hazards), Q3 2014:")
    quarterly(schools.demo_bureau(), 2014, 3, datetime.date(2014, 10, 10))
    bureau = timed(f"generate a district of {SCHOOLS} schools, {HAZARDS} hazards", big_district)
    print(f"generated district ({SCHOOLS} schools, {HAZARDS} hazards), Q3 2014:")
    quarterly(bureau, 2014, 3, datetime.date(2014, 10, 10))
