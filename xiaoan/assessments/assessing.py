"""The assessment items the data can measure, for one school and year.

An item is left out (and so scored by the bureau) when the data needed is not kept here.
"""

from __future__ import annotations

import calendar
import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import F

from xiaoan.core.dates import local_date, local_today
from xiaoan.hazards.choices import HazardStatus
from xiaoan.hazards.models import Hazard
from xiaoan.inspections.models import Inspection
from xiaoan.registers.choices import Severity
from xiaoan.registers.models import (
    DutyShift,
    Incident,
    PoliceRoom,
    SafetyActivity,
    SecurityStaff,
    SurroundingsCheck,
    Visitor,
)
from xiaoan.reports.models import MonthlyReport, due_date_for

# Inspections expected in a year: one each term.
INSPECTIONS_EXPECTED = 2
# Points taken off the incidents item per accident, by severity.
INCIDENT_PENALTY = {Severity.MINOR: 5, Severity.SERIOUS: 20, Severity.MAJOR: 50}


def _pct(part: int, whole: int) -> Decimal:
    value = Decimal(100) * part / whole if whole else Decimal(100)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def hazards_score(school: Any, start: datetime.date, end: datetime.date) -> Decimal:
    """Share of the year's hazards with a deadline that were closed by it."""
    due = Hazard.objects.filter(
        school=school, found_on__range=(start, end), deadline__isnull=False
    ).exclude(status=HazardStatus.REJECTED)
    on_time = due.filter(status=HazardStatus.CLOSED, closed_at__date__lte=F("deadline"))
    return _pct(on_time.count(), due.count())


def incidents_score(school: Any, start: datetime.date, end: datetime.date) -> Decimal:
    penalty = sum(
        INCIDENT_PENALTY[Severity(s)]
        for s in Incident.objects.filter(
            school=school, occurred_at__date__range=(start, end)
        ).values_list("severity", flat=True)
    )
    return Decimal(max(0, 100 - penalty)).quantize(Decimal("0.1"))


def registers_score(school: Any, start: datetime.date, end: datetime.date) -> Decimal:
    """How many of the registers a school must keep have entries in the year."""
    kept = [
        DutyShift.objects.filter(school=school, starts_at__date__range=(start, end)).exists(),
        Visitor.objects.filter(school=school, entered_at__date__range=(start, end)).exists(),
        SafetyActivity.objects.filter(school=school, held_on__range=(start, end)).exists(),
        SurroundingsCheck.objects.filter(school=school, checked_on__range=(start, end)).exists(),
        PoliceRoom.objects.filter(school=school, established_on__lte=end).exists()
        or SecurityStaff.objects.filter(school=school).during(start, end).exists(),
    ]
    return _pct(sum(kept), len(kept))


def monthly_score(school: Any, year: int, today: datetime.date) -> Decimal | None:
    """Share of the monthly reports due since the district began reporting that year that
    were first submitted by their due date; None while the district reports nothing that year.
    """
    district = MonthlyReport.objects.filter(school__bureau=school.bureau_id, year=year)
    first = district.order_by("month").values_list("month", flat=True).first()
    if first is None:
        return None
    # A month counts while the school was on the registry at its end (as the bureau's board).
    due_months = [
        m
        for m in range(first, 13)
        if _due_date(year, m) < today and school.active_on(_month_end(year, m))
    ]
    if not due_months:
        return None
    on_time = len(
        [
            submitted
            for submitted, due in MonthlyReport.objects.filter(
                school=school, year=year, month__in=due_months, first_submitted_at__isnull=False
            ).values_list("first_submitted_at", "due_date")
            if submitted is not None and local_date(submitted) <= due
        ]
    )
    return _pct(on_time, len(due_months))


def _due_date(year: int, month: int) -> datetime.date:
    return due_date_for(year, month)


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def inspections_score(school: Any, start: datetime.date, end: datetime.date) -> Decimal:
    held = Inspection.objects.filter(school=school, date__range=(start, end)).count()
    return _pct(min(held, INSPECTIONS_EXPECTED), INSPECTIONS_EXPECTED)


def computed_scores(school: Any, year: int, today: datetime.date | None = None) -> dict[str, Any]:
    today = today or local_today()
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    scores: dict[str, Decimal | None] = {
        "inspections_score": inspections_score(school, start, end),
        "hazards_score": hazards_score(school, start, end),
        "monthly_score": monthly_score(school, year, today),
        "registers_score": registers_score(school, start, end),
        "incidents_score": incidents_score(school, start, end),
    }
    return {name: value for name, value in scores.items() if value is not None}
