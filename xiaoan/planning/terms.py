"""The terms of a school's risk score, each counted as it stood on a day.

A term has a key, a label, a weight and a function that gives its value for every school of a
scope in one SQL query (`values(schools, day)`: school id → value; a school absent has 0). The
score is the weighted sum of the values (`scores.score_schools`); docs/planning.md gives the
formula and the reasons for the weights.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xiaoan.core.dates import day_start
from xiaoan.hazards.choices import HazardLevel
from xiaoan.hazards.models import Hazard
from xiaoan.hazards.querysets import HazardQuerySet
from xiaoan.inspections.choices import InspectionKind
from xiaoan.registers.choices import DrillPeriod
from xiaoan.registers.models import Drill, DrillRule, SchoolPaper
from xiaoan.registers.models.drills import period_bounds
from xiaoan.reports.figures import deadline_on, open_on, overdue_on
from xiaoan.reports.models import MonthlyReport, due_date_for
from xiaoan.risks.choices import RiskLevel
from xiaoan.risks.models import RiskPoint
from xiaoan.schools.models import School

ONE_DAY = datetime.timedelta(days=1)
# The window of the recurrences and of the monthly reports counted.
RECURRENCE_WINDOW_DAYS = 365
REPORT_MONTHS = 6
# Days since the bureau last inspected the school count up to a year (never inspected: a year).
INSPECTION_CAP_DAYS = 365
# Every kind of inspection but the school's own counts as the bureau's visit.
BUREAU_KINDS = [k.value for k in InspectionKind if k != InspectionKind.SELF]

Values = dict[int, float]


@dataclass(frozen=True)
class Term:
    """One term of the score: `values(schools, day)` in one query, times `weight`."""

    key: str
    label: Promise
    weight: float
    values: Callable[[QuerySet[School], datetime.date], Values]
    help: Promise


def _ids(schools: QuerySet[School]) -> QuerySet[Any]:
    return schools.order_by().values("pk")


def _by_school(rows: QuerySet[Any]) -> Values:
    return {row["school"]: float(row["n"]) for row in rows}


def _hazards_on(schools: QuerySet[School], day: datetime.date) -> QuerySet[Hazard]:
    return Hazard.objects.filter(school__in=_ids(schools), found_on__lte=day)


def _open(level: str) -> Callable[[QuerySet[School], datetime.date], Values]:
    def values(schools: QuerySet[School], day: datetime.date) -> Values:
        hazards = _hazards_on(schools, day).filter(open_on(day), level=level)
        return _by_school(hazards.values("school").annotate(n=Count("id")))

    return values


def overdue_hazards(schools: QuerySet[School], day: datetime.date) -> Values:
    """Hazards overdue on `day`, against the deadline they had then."""
    hazards = _hazards_on(schools, day).filter(open_on(day))
    hazards = hazards.annotate(deadline_then=deadline_on(day)).filter(overdue_on(day))
    return _by_school(hazards.values("school").annotate(n=Count("id")))


def recurrences(schools: QuerySet[School], day: datetime.date) -> Values:
    """Hazards found in the year to `day` that recurred (`HazardQuerySet.recurrences`)."""
    since = day - datetime.timedelta(days=RECURRENCE_WINDOW_DAYS - 1)
    found = cast(HazardQuerySet, _hazards_on(schools, day).filter(found_on__gte=since))
    hazards = found.recurrences()
    return _by_school(hazards.values("school").annotate(n=Count("id")))


def report_months(day: datetime.date) -> list[tuple[int, int]]:
    """The last `REPORT_MONTHS` months whose reports were due before `day`."""
    months: list[tuple[int, int]] = []
    year, month = day.year, day.month
    while len(months) < REPORT_MONTHS:
        if due_date_for(year, month) < day:
            months.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months


def late_reports(schools: QuerySet[School], day: datetime.date) -> Values:
    """Monthly reports of the last six due months not submitted by their due date (late, or
    still missing on `day`). A month the school's bureau did not collect in Xiao'an (no
    school of it has a report of the month) counts for nobody, as in the reports."""
    late: Any = Value(0, output_field=IntegerField())
    for year, month in report_months(day):
        collected = MonthlyReport.objects.filter(
            school__bureau=OuterRef("bureau"), year=year, month=month
        )
        on_time = MonthlyReport.objects.annotate(sent_on=TruncDate("first_submitted_at")).filter(
            school=OuterRef("pk"),
            year=year,
            month=month,
            first_submitted_at__lt=day_start(day + ONE_DAY),
            sent_on__lte=due_date_for(year, month),
        )
        late = late + Case(
            When(Exists(collected) & ~Exists(on_time), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    rows = School.objects.filter(pk__in=_ids(schools)).annotate(n=late).values("pk", "n")
    return {row["pk"]: float(row["n"]) for row in rows}


def _last_ended(day: datetime.date, period: str) -> tuple[datetime.date, datetime.date]:
    """The month or term that had ended by `day` last (the one containing it, if it ends on
    `day`)."""
    start, end = period_bounds(day, period)
    if day < end:
        start, end = period_bounds(start - ONE_DAY, period)
    return start, end


def drills_behind(schools: QuerySet[School], day: datetime.date) -> Values:
    """The bureau's drill rules a school fell short of in the last month or term ended by
    `day` (as `registers` counts a school behind: the period ended short)."""
    behind: Any = Value(0, output_field=IntegerField())
    for period in DrillPeriod.values:
        start, end = _last_ended(day, period)
        held = (
            Drill.objects.filter(
                school=OuterRef(OuterRef("pk")),
                scenario=OuterRef("scenario"),
                held_on__range=(start, end),
            )
            .order_by()
            .values("school")
            .annotate(n=Count("id"))
            .values("n")
        )
        short = (
            DrillRule.objects.filter(bureau=OuterRef("bureau"), period=period, count__gt=0)
            .annotate(done=Coalesce(Subquery(held, output_field=IntegerField()), 0))
            .filter(done__lt=F("count"))
            .order_by()
            .values("bureau")
            .annotate(n=Count("id"))
            .values("n")
        )
        behind = behind + Coalesce(Subquery(short, output_field=IntegerField()), 0)
    rows = School.objects.filter(pk__in=_ids(schools)).annotate(n=behind).values("pk", "n")
    return {row["pk"]: float(row["n"]) for row in rows}


def days_since_inspection(schools: QuerySet[School], day: datetime.date) -> Values:
    """Days from the bureau's last inspection of the school (any kind but the school's own)
    to `day`, at most a year; a school never inspected counts a year."""
    visited = Q(inspections__kind__in=BUREAU_KINDS, inspections__date__lte=day)
    rows = School.objects.filter(pk__in=_ids(schools)).annotate(
        last=Max("inspections__date", filter=visited)
    )
    return {
        row["pk"]: float(min((day - row["last"]).days, INSPECTION_CAP_DAYS))
        if row["last"]
        else float(INSPECTION_CAP_DAYS)
        for row in rows.values("pk", "last")
    }


def _risk_points(level: str) -> Callable[[QuerySet[School], datetime.date], Values]:
    """The school's risk points of `level` in its register on the day (as the register's own
    figures count them: the points in service then, at their level)."""

    def values(schools: QuerySet[School], day: datetime.date) -> Values:
        points = RiskPoint.objects.filter(school__in=_ids(schools), level=level).as_of(day)
        return _by_school(points.values("school").annotate(n=Count("id")))

    return values


def expired_papers(schools: QuerySet[School], day: datetime.date) -> Values:
    """The school's licences and certificates expired before the day and not renewed by it
    (no paper of the same kind and holder valid on the day)."""
    renewed = SchoolPaper.objects.filter(
        school=OuterRef("school"),
        kind=OuterRef("kind"),
        holder=OuterRef("holder"),
        issued_on__lte=day,
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
    papers = SchoolPaper.objects.filter(
        school__in=_ids(schools), issued_on__lte=day, valid_until__lt=day
    ).exclude(Exists(renewed))
    return _by_school(papers.values("school").annotate(n=Count("id")))


TERMS: list[Term] = [
    Term(
        "open_major",
        _("Open major hazards"),
        10,
        _open(HazardLevel.MAJOR),
        _("Major hazards open on the day."),
    ),
    Term(
        "open_general",
        _("Open general hazards"),
        2,
        _open(HazardLevel.GENERAL),
        _("General hazards open on the day."),
    ),
    Term(
        "overdue",
        _("Overdue hazards"),
        4,
        overdue_hazards,
        _("Hazards past the deadline they had on the day, still to rectify."),
    ),
    Term(
        "recurrences",
        _("Recurrences"),
        3,
        recurrences,
        _(
            "Hazards found in the year to the day in an area where the school had another "
            "hazard in the year before."
        ),
    ),
    Term(
        "red_points",
        _("Red risk points"),
        8,
        _risk_points(RiskLevel.RED),
        _("Major (red) risk points in the school's register on the day."),
    ),
    Term(
        "orange_points",
        _("Orange risk points"),
        4,
        _risk_points(RiskLevel.ORANGE),
        _("Considerable (orange) risk points in the school's register on the day."),
    ),
    Term(
        "expired_papers",
        _("Expired licences and certificates"),
        3,
        expired_papers,
        _(
            "Licences and certificates whose validity ended before the day, not renewed by "
            "it (no paper of the same kind and holder valid on the day)."
        ),
    ),
    Term(
        "late_reports",
        _("Late or missing monthly reports"),
        2,
        late_reports,
        _("Of the last six months due: reports not submitted by their due date."),
    ),
    Term(
        "drills_behind",
        _("Drills behind"),
        2,
        drills_behind,
        _("Drill rules the school fell short of in the last month or term ended."),
    ),
    Term(
        "days_since_inspection",
        _("Days since the bureau's last inspection"),
        0.02,
        days_since_inspection,
        _("Up to 365; a school never inspected counts 365."),
    ),
]
