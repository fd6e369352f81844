"""Counts of hazards by area, level and status: one function for the API, dashboards, reports."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from xiaoan.core.dates import local_today

from .choices import HazardLevel, HazardStatus
from .models import Area, HazardCount
from .querysets import HazardQuerySet


def summary(hazards: HazardQuerySet) -> dict[str, Any]:
    """`{total, by_area, by_level, by_status, open, closed, overdue, supervised, schools}`.

    Pass an already filtered queryset, e.g. `Hazard.objects.for_user(user)`; every area, level
    and status is present, with 0 where there is none. Five queries whatever the size.
    """
    hazards = hazards.order_by()
    by_area = dict(hazards.values_list("area__code").annotate(n=Count("id")))
    by_level = dict(hazards.values_list("level").annotate(n=Count("id")))
    by_status = dict(hazards.values_list("status").annotate(n=Count("id")))
    totals = hazards.aggregate(
        total=Count("id"),
        overdue=Count(
            "id",
            filter=Q(status__in=HazardStatus.overdue_states(), deadline__lt=local_today()),
        ),
        supervised=Count("id", filter=Q(supervised=True)),
        schools=Count("school", distinct=True),
    )
    return {
        "total": totals["total"],
        "by_area": {a.code: by_area.get(a.code, 0) for a in Area.objects.all()},
        "by_level": {value: by_level.get(value, 0) for value in HazardLevel.values},
        "by_status": {value: by_status.get(value, 0) for value in HazardStatus.values},
        "open": sum(by_status.get(s, 0) for s in HazardStatus.open_states()),
        "closed": by_status.get(HazardStatus.CLOSED, 0),
        "overdue": totals["overdue"],
        "supervised": totals["supervised"],
        "schools": totals["schools"],
    }


def summary_of(kept: QuerySet[Any], schools: QuerySet[HazardCount], overdue: int) -> dict[str, Any]:
    """What `summary` says, from today's kept counts (`counts.kept_rows`, grouped here in SQL
    to at most a few hundred rows), the schools' kept rows (`per_school`: the schools with a
    hazard) and the overdue count (which the deadline, not a step, changes)."""
    by_area: Counter[str] = Counter()
    by_level: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    supervised = 0
    grouped = kept.values("area__code", "level", "status", "supervised").annotate(n=Sum("count"))
    for row in grouped:
        by_area[row["area__code"]] += row["n"]
        by_level[row["level"]] += row["n"]
        by_status[row["status"]] += row["n"]
        supervised += row["n"] if row["supervised"] else 0
    return {
        "total": sum(by_status.values()),
        "by_area": {a.code: by_area.get(a.code, 0) for a in Area.objects.all()},
        "by_level": {value: by_level.get(value, 0) for value in HazardLevel.values},
        "by_status": {value: by_status.get(value, 0) for value in HazardStatus.values},
        "open": sum(by_status.get(s, 0) for s in HazardStatus.open_states()),
        "closed": by_status.get(HazardStatus.CLOSED, 0),
        "overdue": overdue,
        "supervised": supervised,
        "schools": schools.values("school").distinct().count(),
    }
