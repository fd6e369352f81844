"""A city's or a province's districts side by side: each district's figures, from the same
functions the district's own dashboard and reports use, over what the user may see.

Every figure starts from the user's `for_user` querysets and is grouped by district (a few
grouped queries for all districts), except the area table and the monthly compliance, which
reuse the dashboard's and the compliance board's own functions once per district.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Max, Q, QuerySet

from xiaoan.accounts.access import in_reach, member
from xiaoan.assessments.models import Assessment
from xiaoan.core.dates import local_today
from xiaoan.hazards.choices import HazardStatus
from xiaoan.hazards.models import Hazard
from xiaoan.inspections.models import Inspection
from xiaoan.reports.choices import Compliance
from xiaoan.reports.figures import rate
from xiaoan.reports.models import MonthlyReport
from xiaoan.reports.official import compliance_counts
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
    hazards = Hazard.objects.for_user(user).filter(found_on__year=year, bureau__in=list(rows))
    schools = School.objects.for_user(user).as_of(min(today, datetime.date(year, 12, 31)))
    for bureau_id, n in schools.values_list("bureau").annotate(n=Count("id")).order_by():
        if bureau_id in rows:
            rows[bureau_id].schools = n
    for bureau_id, status, n in (
        hazards.values_list("bureau", "status").annotate(n=Count("id")).order_by()
    ):
        row = rows[bureau_id]
        row.states[status] = n
        row.found += n
    counts = {
        "open": hazards.open(),
        "overdue": hazards.overdue(today),
        "supervised": hazards.open().supervised(),
    }
    for name, queryset in counts.items():
        for bureau_id, n in queryset.values_list("bureau").annotate(n=Count("id")).order_by():
            setattr(rows[bureau_id], name, n)
    _inspections(user, rows, year)
    _assessments(user, rows, year)
    for bureau_id, row in rows.items():
        row.areas = by_area(hazards.filter(bureau=bureau_id))
        row.compliance = _latest_compliance(bureau_id, year, today)
    return list(rows.values())


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


def _latest_compliance(bureau_id: int, year: int, today: datetime.date) -> dict[str, Any]:
    """The compliance board's counts for the district's latest month of `year` with reports."""
    latest = (
        MonthlyReport.objects.filter(school__bureau_id=bureau_id, year=year)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    if latest is None:
        return {}
    return compliance_counts(bureau_id, year, latest, today)


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
