"""A city's or a province's districts side by side: each district's figures, from the same
functions the district's own dashboard and reports use, over what the user may see.

Every figure starts from the user's `for_user` querysets and is grouped by district: one
query a table for all the districts reached (the hazards' figures and their area table in one
pass over the year's hazards, the monthly compliance in one query a month shown), so a
province costs as many queries as a city.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Max, Q, QuerySet

from xiaoan.accounts.access import in_reach, member
from xiaoan.assessments.models import Assessment
from xiaoan.core.counting import planner_rows
from xiaoan.core.dates import local_today
from xiaoan.hazards import counts
from xiaoan.hazards.choices import HazardStatus
from xiaoan.hazards.models import Area, Hazard
from xiaoan.hazards.querysets import HazardQuerySet
from xiaoan.inspections.models import Inspection
from xiaoan.reports.choices import Compliance
from xiaoan.reports.figures import rate
from xiaoan.reports.models import MonthlyReport
from xiaoan.reports.official import compliance_counts_by_district
from xiaoan.reports.stats import by_area
from xiaoan.schools.models import Bureau, School


@dataclass
class DistrictRow:
    """One district's figures for the year (hazards found in it, their state today)."""

    bureau: Bureau
    schools: int = 0
    found: int = 0
    states: dict[str, int] = field(default_factory=dict)
    open: int = 0
    overdue: int = 0
    supervised: int = 0
    areas: list[dict[str, Any]] = field(default_factory=list)
    compliance: dict[str, Any] = field(default_factory=dict)
    inspected: int = 0
    assessed: int = 0
    average_score: Decimal | None = None
    vetoed: int = 0

    @property
    def closed_rate(self) -> float:
        """Closed ÷ (found − rejected as unfounded), as every report counts it."""
        closed = self.states.get(HazardStatus.CLOSED, 0)
        return rate(closed, self.found - self.states.get(HazardStatus.REJECTED, 0))

    @property
    def coverage(self) -> float:
        """The share of the district's schools inspected at least once in the year."""
        return rate(self.inspected, self.schools)

    @property
    def submitted(self) -> int:
        return int(self.compliance.get(Compliance.ON_TIME, 0)) + int(
            self.compliance.get(Compliance.LATE, 0)
        )


def districts(user: Any) -> QuerySet[Bureau]:
    """The district bureaus in the user's reach (a district's user: its own)."""
    return (
        Bureau.objects.filter(in_reach(member(user), ""))
        .select_related("region")
        .order_by("region__code")
    )


def figure_year(user: Any) -> int:
    """The year shown by default: the latest one a hazard was found in, else this year."""
    latest = Hazard.objects.for_user(user).aggregate(last=Max("found_on"))["last"]
    return latest.year if latest else local_today().year


def _by_district(queryset: QuerySet, path: str, **aggregates: Any) -> dict[int, dict[str, Any]]:
    rows = queryset.values(path).annotate(**aggregates).order_by()
    return {row[path]: row for row in rows}


def district_rows(user: Any, year: int) -> list[DistrictRow]:
    """Each district in reach with its figures for `year`, in the order of their codes."""
    today = local_today()
    rows = {b.pk: DistrictRow(bureau=b) for b in districts(user)}
    reached = Hazard.objects.for_user(user).filter(bureau__in=list(rows))
    schools = School.objects.for_user(user).as_of(min(today, datetime.date(year, 12, 31)))
    for bureau_id, n in schools.values_list("bureau").annotate(n=Count("id")).order_by():
        if bureau_id in rows:
            rows[bureau_id].schools = n
    _hazards(rows, *_counted(user, reached, year, today))
    _inspections(user, rows, year)
    _assessments(user, rows, year)
    _compliance(rows, year, today)
    return list(rows.values())


# What the year's hazards are counted by: their district and what the figures tell apart.
KEYS = ("bureau", "area", "level", "status", "supervised")


def _counted(
    user: Any, reached: HazardQuerySet, year: int, today: datetime.date
) -> tuple[dict[tuple, int], dict[int, int]]:
    """The hazards found in `year` per `KEYS`, and the overdue ones per district.

    One pass over the year's hazards; or, when PostgreSQL expects fewer hazards outside the
    year than in it (the current year of a province with little history) and today's counts
    are kept for every district reached, those counts less the hazards found outside the
    year, and the overdue from their partial index. The same figures either way."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    inside = reached.filter(found_on__range=(first, last))
    outside = reached.filter(Q(found_on__lt=first) | Q(found_on__gt=last))
    kept = counts.kept_by_district(user) if fewer_outside(inside, outside) else None
    if kept is None:
        return _counted_inside(inside, today)
    return _kept_less_outside(kept, outside, inside.overdue(today))


def _counted_inside(
    inside: QuerySet[Hazard], today: datetime.date
) -> tuple[dict[tuple, int], dict[int, int]]:
    groups: dict[tuple, int] = {}
    overdue: Counter[int] = Counter()
    counted = inside.values_list(*KEYS).annotate(
        n=Count("id"), late=Count("id", filter=_overdue(today))
    )
    for *key, n, late in counted.order_by():
        groups[tuple(key)] = n
        overdue[key[0]] += late
    return groups, dict(overdue)


def _kept_less_outside(
    kept: list[dict[str, Any]], outside: QuerySet[Hazard], overdue: QuerySet[Hazard]
) -> tuple[dict[tuple, int], dict[int, int]]:
    groups: Counter[tuple] = Counter()
    for row in kept:
        key = (row["bureau_id"], row["area_id"], row["level"], row["status"], row["supervised"])
        groups[key] += row["n"]
    for *key, n in outside.values_list(*KEYS).annotate(n=Count("id")).order_by():
        groups[tuple(key)] -= n
    late = overdue.values_list("bureau").annotate(n=Count("id")).order_by()
    return +groups, dict(late)


def fewer_outside(inside: QuerySet[Hazard], outside: QuerySet[Hazard]) -> bool:
    """Whether PostgreSQL's planner expects fewer rows `outside` than `inside` (no estimate,
    on SQLite: False)."""
    estimated = planner_rows(inside), planner_rows(outside)
    return None not in estimated and estimated[1] < estimated[0]  # type: ignore[operator]


def _hazards(
    rows: dict[int, DistrictRow], groups: dict[tuple, int], overdue: dict[int, int]
) -> None:
    """States, open, overdue, supervised and the area table of every district."""
    open_states = set(HazardStatus.open_states())
    by_level: dict[int, list[dict[str, Any]]] = {pk: [] for pk in rows}
    for (bureau_id, area_id, level, status, supervised), n in groups.items():
        if bureau_id not in rows:
            continue
        row = rows[bureau_id]
        row.states[status] = row.states.get(status, 0) + n
        row.found += n
        if status in open_states:
            row.open += n
            row.supervised += n if supervised else 0
        by_level[bureau_id].append({"area_id": area_id, "level": level, "n": n})
    areas = list(Area.objects.filter(is_active=True))
    for bureau_id, row in rows.items():
        row.overdue = overdue.get(bureau_id, 0)
        row.areas = by_area(Hazard.objects.none(), by_level[bureau_id], areas)


def _overdue(today: datetime.date) -> Q:
    """What `HazardQuerySet.overdue` keeps, as a condition of a count."""
    return Q(status__in=HazardStatus.overdue_states(), deadline__lt=today)


def _inspections(user: Any, rows: dict[int, DistrictRow], year: int) -> None:
    inspected = _by_district(
        Inspection.objects.for_user(user).filter(date__year=year),
        "school__bureau",
        n=Count("school", distinct=True),
    )
    for bureau_id, row in inspected.items():
        if bureau_id in rows:
            rows[bureau_id].inspected = row["n"]


def _assessments(user: Any, rows: dict[int, DistrictRow], year: int) -> None:
    scored = _by_district(
        Assessment.objects.for_user(user).filter(year=year),
        "school__bureau",
        n=Count("id", filter=Q(total__isnull=False)),
        average=Avg("total"),
        vetoed=Count("id", filter=Q(vetoed=True)),
    )
    for bureau_id, row in scored.items():
        if bureau_id in rows:
            district = rows[bureau_id]
            district.assessed, district.vetoed = row["n"], row["vetoed"]
            average = row["average"]
            district.average_score = (
                None if average is None else Decimal(average).quantize(Decimal("0.1"))
            )


def _compliance(rows: dict[int, DistrictRow], year: int, today: datetime.date) -> None:
    """The compliance board's counts for each district's latest month of `year` with
    reports: one query for the months, then one for the districts of each month."""
    latest = (
        MonthlyReport.objects.filter(school__bureau__in=list(rows), year=year)
        .values("school__bureau")
        .annotate(month=Max("month"))
        .order_by()
    )
    months: dict[int, list[int]] = {}
    for row in latest:
        months.setdefault(row["month"], []).append(row["school__bureau"])
    for month, bureau_ids in sorted(months.items()):
        counted = compliance_counts_by_district(bureau_ids, year, month, today)
        for bureau_id, standing in counted.items():
            rows[bureau_id].compliance = standing


def district_in_reach(user: Any, bureau_id: int) -> Bureau | None:
    """The district, if the user reaches it (else None: the page answers 404)."""
    return districts(user).filter(pk=bureau_id).first()


def school_rows(user: Any, bureau: Bureau) -> list[dict[str, Any]]:
    """The district's schools on the registry, each with its open and overdue hazards."""
    hazards = Hazard.objects.for_user(user).filter(bureau=bureau.pk)
    open_ = dict(hazards.open().values_list("school").annotate(n=Count("id")).order_by())
    overdue = dict(hazards.overdue().values_list("school").annotate(n=Count("id")).order_by())
    schools = School.objects.for_user(user).filter(bureau=bureau.pk).current().order_by("code")
    return [
        {"school": s, "open": open_.get(s.pk, 0), "overdue": overdue.get(s.pk, 0)} for s in schools
    ]
