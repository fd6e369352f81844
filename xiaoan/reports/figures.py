"""Every figure a report states, computed from the ledger at the moment of asking.

The results are plain JSON-able dicts, so a submitted monthly report or an issued official
document freezes them as they were: later edits to hazards change nothing already sent.

A past period is counted as it stood at its end: its schools are those on the registry then
(`School.objects.as_of(day)`), its registers' figures those in service then, so a school added
or retired today never changes a past quarter's draft (docs/architecture.md, "as of").
"""

from __future__ import annotations

import calendar
import datetime
from collections import Counter
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from xiaoan.core.dates import local_today
from xiaoan.hazards.choices import EventKind, HazardLevel, HazardStatus
from xiaoan.hazards.models import Area, Hazard, HazardEvent
from xiaoan.inspections.models import Inspection
from xiaoan.registers.figures import key_measures
from xiaoan.schools.choices import SchoolKind
from xiaoan.schools.models import School

ONE_DAY = datetime.timedelta(days=1)


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, 1), datetime.date(year, month, last)


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    first_month = 3 * (quarter - 1) + 1
    return month_bounds(year, first_month)[0], month_bounds(year, first_month + 2)[1]


def quarter_months(year: int, quarter: int) -> list[tuple[int, int]]:
    return [(year, 3 * (quarter - 1) + m) for m in (1, 2, 3)]


def rate(part: int, whole: int) -> float:
    """A percentage with one decimal; 0 of 0 is 100 % (nothing was left undone)."""
    return round(100.0 * part / whole, 1) if whole else 100.0


def _areas() -> list[Area]:
    return list(Area.objects.filter(is_active=True).order_by("order", "code"))


def _start_of(day: datetime.date) -> datetime.datetime:
    """Local midnight at the start of `day`: comparing `closed_at` with it is what
    `closed_at__date` does, without a date conversion on every row (a Python function on
    SQLite, which made the dashboard's aggregates slow)."""
    return datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_current_timezone())


def _closed_by(as_of: datetime.date) -> Q:
    return Q(status=HazardStatus.CLOSED, closed_at__lt=_start_of(as_of + ONE_DAY))


def _closed_after(as_of: datetime.date) -> Q:
    return Q(status=HazardStatus.CLOSED, closed_at__gte=_start_of(as_of + ONE_DAY))


def open_on(as_of: datetime.date) -> Q:
    """Open on `as_of`: open today, or closed after that day (for hazards found by then)."""
    closed_later = _closed_after(as_of)
    return Q(status__in=HazardStatus.open_states()) | closed_later


def overdue_on(as_of: datetime.date, deadline: str = "deadline_then") -> Q:
    """Overdue on `as_of`: the school still owed the rectification then and the deadline it
    had then had passed. Needs `deadline_then=deadline_on(as_of)` (or the `deadline` named)
    annotated first."""
    closed_later = _closed_after(as_of)
    passed = Q(**{f"{deadline}__lt": as_of})
    return (Q(status__in=HazardStatus.overdue_states()) | closed_later) & passed


def deadline_on(as_of: datetime.date) -> Case:
    """The deadline as it stood on `as_of`, from the hazard's history.

    The last step by then that set it (the rectification opinion, an approved extension) gives
    it; before the opinion there was none. A hazard whose history records no such step (data
    loaded from elsewhere) keeps its current deadline.
    """
    steps = HazardEvent.objects.filter(
        hazard=OuterRef("pk"), kind__in=[EventKind.ASSIGNED, EventKind.EXTENSION_APPROVED]
    )
    set_to = Coalesce(KeyTextTransform("deadline", "data"), KeyTextTransform("requested", "data"))
    by_then = (
        steps.filter(created_at__date__lte=as_of)
        .order_by("-created_at", "-id")
        .annotate(set_to=Cast(set_to, DateField()))
        .values("set_to")[:1]
    )
    return Case(
        When(Exists(steps), then=Subquery(by_then, output_field=DateField())),
        default=F("deadline"),
        output_field=DateField(),
    )


def as_of_counts(as_of: datetime.date) -> dict[str, Count]:
    """The counts of hazards as they stood on `as_of`: found, major, closed by then, still
    open, overdue then. The queryset they aggregate must be annotated with
    `deadline_then=deadline_on(as_of)`; the live figures and the stored month ends both use them.
    """
    # As it stood on `as_of`: a hazard closed later still counts as open (and overdue) then,
    # against the deadline it had then (an extension approved later did not yet count).
    still_open = open_on(as_of)
    # The cheap test first: the deadline's history is looked up only for hazards open then.
    overdue = overdue_on(as_of)
    return {
        "found": Count("id"),
        "major": Count("id", filter=Q(level=HazardLevel.MAJOR)),
        "closed": Count("id", filter=_closed_by(as_of)),
        "open": Count("id", filter=still_open),
        "overdue": Count("id", filter=overdue),
    }


def closed_between(first: datetime.date, last: datetime.date) -> Q:
    """Closed from the start of `first` to the end of `last` (local days)."""
    return Q(
        status=HazardStatus.CLOSED,
        closed_at__gte=_start_of(first),
        closed_at__lt=_start_of(last + ONE_DAY),
    )


def area_rows(hazards: QuerySet[Hazard], as_of: datetime.date) -> list[dict[str, Any]]:
    """Per area: found, closed by `as_of`, still open, overdue on `as_of` — one query."""
    counts = {
        row["area"]: row
        for row in hazards.annotate(deadline_then=deadline_on(as_of))
        .values("area")
        .annotate(**as_of_counts(as_of))
    }
    rows = []
    for area in _areas():
        row: Any = counts.get(area.pk, {})
        rows.append(
            {
                "code": area.code,
                "name": area.name_zh,
                **{k: row.get(k, 0) for k in ("found", "major", "closed", "open", "overdue")},
            }
        )
    return rows


def month_rows(
    hazards: QuerySet[Hazard], start: datetime.date, as_of: datetime.date
) -> list[dict[str, Any]]:
    """Per month from `start` to `as_of`: found and closed in it; open and overdue at its end.

    A month is described as it stood at its end (the running month as it stands on `as_of`),
    with the deadlines of that day. Every month in one query, one pass over the hazards (one
    a month read them as many times: a province's collected summary, 100 districts of twelve
    months, spent a third of its time there); grouped by bureau, so that a month's deadline
    history is looked up only for the hazards open at its end, as `area_rows` does.
    """
    months = []
    year, month = start.year, start.month
    while (year, month) <= (as_of.year, as_of.month):
        first, last = month_bounds(year, month)
        months.append((year, month, first, last, min(last, as_of)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if not months:
        return []
    deadlines, counts = {}, {}
    for i, (_year, _month, first, last, month_end) in enumerate(months):
        deadlines[f"deadline_{i}"] = deadline_on(month_end)
        then = Q(found_on__lte=month_end)
        counts[f"found_{i}"] = Count("id", filter=Q(found_on__range=(first, last)))
        counts[f"closed_{i}"] = Count("id", filter=closed_between(first, last))
        counts[f"open_{i}"] = Count("id", filter=then & open_on(month_end))
        counts[f"overdue_{i}"] = Count("id", filter=then & overdue_on(month_end, f"deadline_{i}"))
    grouped = hazards.annotate(**deadlines).values("bureau").annotate(**counts).order_by()
    groups: list[dict[str, Any]] = [dict(group) for group in grouped]
    rows = []
    for i, (year, month, *_days) in enumerate(months):
        summed = {
            k: sum(g[f"{k}_{i}"] for g in groups) for k in ("found", "closed", "open", "overdue")
        }
        rows.append({"month": f"{year}年{month}月", "key": f"{year}-{month:02d}", **summed})
    return rows


def totals(rows: list[dict[str, Any]]) -> dict[str, int]:
    keys = ("found", "major", "closed", "open", "overdue")
    return {k: sum(r[k] for r in rows) for k in keys}


def hazard_list(hazards: QuerySet[Hazard]) -> list[dict[str, Any]]:
    return [
        {
            "code": h.code,
            "school": h.school.name,
            "area": h.area.name_zh,
            "description": h.description,
            "status": str(HazardStatus(h.status).label),
            "status_code": h.status,
            "deadline": h.deadline.isoformat() if h.deadline else "",
            "supervised": h.supervised,
        }
        for h in hazards.select_related("school", "area").order_by("found_on", "code")
    ]


def inspections_held(
    school_ids: list[int] | None,
    start: datetime.date,
    end: datetime.date,
    bureau_id: int | None = None,
) -> int:
    """Inspections held in the period, by the given schools or in the bureau's district."""
    qs = Inspection.objects.filter(date__range=(start, end))
    if school_ids is not None:
        qs = qs.filter(school_id__in=school_ids)
    elif bureau_id is not None:
        qs = qs.filter(school__bureau_id=bureau_id)
    return qs.count()


def schools_on(bureau_id: int, as_of: datetime.date | None = None) -> QuerySet[School]:
    """The district's schools on the registry on `as_of` (default: today)."""
    return School.objects.filter(bureau_id=bureau_id).as_of(as_of or local_today())


def school_counts(bureau_id: int, as_of: datetime.date | None = None) -> dict[str, int]:
    """Primary and secondary schools, childcare institutions on the registry on `as_of`."""
    schools = schools_on(bureau_id, as_of)
    childcare = schools.filter(kind=SchoolKind.KINDERGARTEN).count()
    return {"primary_secondary": schools.count() - childcare, "childcare": childcare}


def kind_rows(hazards: QuerySet[Hazard], bureau_id: int, as_of: datetime.date) -> list[dict]:
    """Per school kind: schools on the registry on `as_of`, hazards found, closed, open."""
    schools = Counter(schools_on(bureau_id, as_of).values_list("kind", flat=True))
    counts = {
        row["school__kind"]: row
        for row in hazards.values("school__kind").annotate(
            found=Count("id"),
            closed=Count("id", filter=_closed_by(as_of)),
            open=Count("id", filter=open_on(as_of)),
        )
    }
    rows = []
    for kind in SchoolKind:
        if not schools[kind.value] and kind.value not in counts:
            continue
        row: Any = counts.get(kind.value, {})
        rows.append(
            {
                "kind": kind.value,
                "name": _kind_name_zh(kind),
                "schools": schools[kind.value],
                **{k: row.get(k, 0) for k in ("found", "closed", "open")},
            }
        )
    return rows


def _kind_name_zh(kind: SchoolKind) -> str:
    from django.utils import translation

    with translation.override("zh-hans"):
        return str(kind.label)


def district_figures(
    bureau_id: int,
    hazards: QuerySet[Hazard],
    start: datetime.date,
    end: datetime.date,
    as_of: datetime.date | None = None,
) -> dict[str, Any]:
    """The figures of an official document for `hazards` (already scoped to period/campaign)."""
    # A past period is described as it stood at its end; a running one as it stands today.
    as_of = min(as_of or local_today(), end)
    rows = area_rows(hazards, as_of)
    total = totals(rows)
    rejected = hazards.filter(status=HazardStatus.REJECTED).count()
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "as_of": as_of.isoformat(),
        "schools": school_counts(bureau_id, as_of),
        "areas": rows,
        "total": total,
        "rejected": rejected,
        "rectification_rate": rate(total["closed"], total["found"] - rejected),
        "kinds": kind_rows(hazards, bureau_id, as_of),
        "major": hazard_list(hazards.filter(level=HazardLevel.MAJOR)),
        "supervised": hazard_list(hazards.filter(supervised=True)),
        "months": month_rows(hazards, start, as_of),
        "schools_with_hazards": hazards.values("school").distinct().count(),
        "inspections": inspections_held(None, start, end, bureau_id=bureau_id),
        "key_measures": key_measures(bureau_id, start, end),
    }
