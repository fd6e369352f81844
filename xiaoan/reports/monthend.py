"""Month-end figures: a district's hazards as they stood at the end of each month that is over,
computed once by the as-of-a-day figure code (`figures.as_of_counts`) and stored.

A month that is over no longer changes (its figures count what existed then, with the deadlines
of then), so the dashboard's trend reads twelve stored months instead of recomputing the
district at twelve month ends. Stored rows are never changed: `store` writes a new batch only
when none exists or the figures differ (a correction, with its reason), and readers take the
latest batch of each month. A month without a stored batch is computed live, as before.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Min, Q, QuerySet, Sum

from xiaoan.core.dates import local_today
from xiaoan.hazards import counts
from xiaoan.hazards.models import Hazard
from xiaoan.schools.models import Bureau

from .figures import as_of_counts, closed_between, deadline_on, month_bounds
from .models import MonthEndAreaTotal, MonthEndBatch, MonthEndFigure

COUNTS = ("found", "found_in_month", "closed", "closed_in_month", "open", "overdue")
KEYS = ("school", "area", "level", "campaign")
DEFAULT_REASON = "rebuilt from the hazards' events"


def first_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def last_over(today: datetime.date | None = None) -> datetime.date:
    """The first day of the last month that is over."""
    return first_of(first_of(today or local_today()) - datetime.timedelta(days=1))


def compute(bureau_id: int, month: datetime.date) -> list[dict[str, Any]]:
    """The district's figures at the end of `month`, per school, area, level and campaign:
    one pass over the hazards found by then."""
    first, last = month_bounds(month.year, month.month)
    counts = as_of_counts(last)
    rows = (
        Hazard.objects.filter(bureau=bureau_id, found_on__lte=last)
        .annotate(deadline_then=deadline_on(last))
        .values(*KEYS)
        .annotate(
            found=counts["found"],
            found_in_month=Count("id", filter=_found_between(first, last)),
            closed=counts["closed"],
            closed_in_month=Count("id", filter=closed_between(first, last)),
            open=counts["open"],
            overdue=counts["overdue"],
        )
        .order_by(*KEYS)
    )
    return [dict(row) for row in rows]


def _found_between(first: datetime.date, last: datetime.date) -> Q:
    return Q(found_on__range=(first, last))


def latest(bureau_id: int, month: datetime.date) -> MonthEndBatch | None:
    return MonthEndBatch.objects.filter(bureau=bureau_id, month=month).order_by("-id").first()


def stored_rows(batch: MonthEndBatch) -> list[dict[str, Any]]:
    rows = batch.figures.order_by("school_id", "area_id", "level", "campaign_id").values(
        "school_id", "area_id", "level", "campaign_id", *COUNTS
    )
    return [
        {
            "school": row["school_id"],
            "area": row["area_id"],
            "level": row["level"],
            "campaign": row["campaign_id"],
            **_counts(row),
        }
        for row in rows
    ]


def _counts(row: dict[str, Any]) -> dict[str, int]:
    return {key: row[key] for key in COUNTS}


def _same(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> bool:
    def key(row: dict[str, Any]) -> tuple:
        return tuple(row[k] for k in (*KEYS, *COUNTS))

    return sorted(map(key, a), key=repr) == sorted(map(key, b), key=repr)


def store(bureau_id: int, month: datetime.date, reason: str = "") -> MonthEndBatch | None:
    """Store the month's figures as computed now; None when the latest stored batch already
    says the same. A month not yet over is refused (its figures may still change)."""
    if month > last_over():
        raise ValueError(f"{month:%Y-%m} is not over yet")
    rows = compute(bureau_id, month)
    with transaction.atomic():
        before = latest(bureau_id, month)
        if before is not None and _same(stored_rows(before), rows):
            return None
        batch = MonthEndBatch.objects.create(
            bureau_id=bureau_id,
            month=month,
            reason=(reason or DEFAULT_REASON) if before is not None else reason,
        )
        MonthEndFigure.objects.bulk_create(
            [
                MonthEndFigure(
                    batch=batch,
                    school_id=row["school"],
                    area_id=row["area"],
                    level=row["level"],
                    campaign_id=row["campaign"],
                    **_counts(row),
                )
                for row in rows
            ],
            batch_size=1000,
        )
        MonthEndAreaTotal.objects.bulk_create(
            MonthEndAreaTotal(batch=batch, area_id=area, **sums)
            for area, sums in area_totals(rows).items()
        )
    return batch


def area_totals(rows: list[dict[str, Any]]) -> dict[int, dict[str, int]]:
    """A batch's figures summed per area (`MonthEndAreaTotal`)."""
    sums: dict[int, dict[str, int]] = {}
    for row in rows:
        entry = sums.setdefault(row["area"], dict.fromkeys(COUNTS, 0))
        for key in COUNTS:
            entry[key] += row[key]
    return sums


def _districts(bureau_ids: Iterable[int] | None = None) -> QuerySet[Bureau]:
    bureaus = Bureau.objects.filter(schools__isnull=False).distinct().order_by("pk")
    return bureaus if bureau_ids is None else bureaus.filter(pk__in=list(bureau_ids))


def rebuild(
    bureau_ids: Iterable[int] | None = None,
    start: datetime.date | None = None,
    reason: str = "",
    today: datetime.date | None = None,
) -> list[MonthEndBatch]:
    """Recompute every month from `start` (default: the month of the first hazard of any
    district, so that a city's or a province's districts all have the months their trend
    reads) to the last one over; store those that differ from what is stored (a correction).
    Today's counts of the districts (`hazards.counts`) are counted again too."""
    written: list[MonthEndBatch] = []
    end = last_over(today)
    counts.rebuild(_districts(bureau_ids).values_list("pk", flat=True))
    first = start or _first_month()
    if first is None:
        return written
    for bureau in _districts(bureau_ids):
        month = first_of(first)
        while month <= end:
            batch = store(bureau.pk, month, reason)
            if batch is not None:
                written.append(batch)
            month = next_month(month)
    return written


def _first_month() -> datetime.date | None:
    first = Hazard.objects.aggregate(first=Min("found_on"))["first"]
    return first_of(first) if first else None


def store_due(today: datetime.date | None = None, months: int = 12) -> int:
    """The worker's job: store each district's last `months` months that are over and have no
    batch yet (a month ends once; a worker down for a while catches up). The number stored."""
    end = last_over(today)
    start = end
    for _ in range(months - 1):
        start = first_of(start - datetime.timedelta(days=1))
    stored = 0
    # A district whose counts of today were never built (just upgraded, just created).
    counts.rebuild(
        _districts().filter(hazard_counts_built__isnull=True).values_list("pk", flat=True)
    )
    for bureau in _districts():
        have = set(
            MonthEndBatch.objects.filter(bureau=bureau, month__range=(start, end)).values_list(
                "month", flat=True
            )
        )
        month = start
        while month <= end:
            if month not in have and store(bureau.pk, month) is not None:
                stored += 1
            month = next_month(month)
    return stored


def run_job() -> dict[str, int]:
    return {"stored": store_due()}


# ---- reading ----------------------------------------------------------------------------


# Who the stored figures answer for: the same reach as today's kept counts.
reach = counts.reach


def month_totals(
    scope: dict[str, Any],
    months: list[datetime.date],
    campaign: Any = None,
    kind: str = "",
) -> dict[datetime.date, dict[str, int]]:
    """The stored totals of each month every district of `scope` has a batch for (latest
    batch), narrowed to a campaign and a kind of school; months missing somewhere are left out."""
    if not months or not scope["bureaus"]:
        return {}
    latest_ids = (
        MonthEndBatch.objects.filter(bureau__in=scope["bureaus"], month__in=months)
        .values("bureau", "month")
        .annotate(last=Max("id"))
    )
    batches: dict[datetime.date, list[int]] = {}
    for row in latest_ids:
        batches.setdefault(row["month"], []).append(row["last"])
    complete = {m: ids for m, ids in batches.items() if len(ids) == len(scope["bureaus"])}
    if not complete:
        return {}
    ids = [i for ids in complete.values() for i in ids]
    figures: QuerySet[Any]
    if scope["school"] is None and campaign is None and not kind:
        # The whole reach: each batch's area totals, not its schools' figures.
        figures = MonthEndAreaTotal.objects.filter(batch__in=ids)
    else:
        figures = MonthEndFigure.objects.filter(batch__in=ids)
        if scope["school"] is not None:
            figures = figures.filter(school=scope["school"])
        if campaign is not None:
            figures = figures.filter(campaign=campaign)
        if kind:
            figures = figures.filter(school__kind=kind)
    # As `figures.area_rows` does, the month-end counts are those of the active areas; the
    # hazards found in the month are all of them, as the trend has always counted them.
    active = Q(area__is_active=True)
    sums: dict[datetime.date, dict[str, Any]] = {
        row["batch__month"]: dict(row)
        for row in figures.values("batch__month").annotate(
            **{k: Sum(k) if k == "found_in_month" else Sum(k, filter=active) for k in COUNTS}
        )
    }
    empty: dict[str, Any] = {}
    return {month: {k: sums.get(month, empty).get(k) or 0 for k in COUNTS} for month in complete}
