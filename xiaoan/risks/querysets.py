"""Access to the risk register: every page, API view and export starts from `for_user(user)`."""

from __future__ import annotations

from typing import Self

from django.db.models import Count, Q

from xiaoan.core.querysets import ActiveDuringQuerySet
from xiaoan.schools.querysets import SchoolOwnedQuerySet

from .choices import RiskLevel


class RiskPointQuerySet(ActiveDuringQuerySet, SchoolOwnedQuerySet):  # type: ignore[override]
    """A school sees its own points, the district its bureau's (404 for anyone else's);
    `current()` the points in the register today, `as_of(day)` those of a past day."""

    def grave(self) -> Self:
        """Red and orange points: those a bureau follows one by one."""
        return self.filter(level__in=RiskLevel.grave())

    def to_reassess(self) -> Self:
        return self.filter(needs_reassessment=True)

    def level_counts(self) -> dict[str, int]:
        """{level: number of points}, every level present (0 where none)."""
        counts = dict(self.order_by().values_list("level").annotate(n=Count("id")))
        return {level.value: counts.get(level.value, 0) for level in RiskLevel}

    def per_school_levels(self) -> dict[int, dict[str, int]]:
        """{school id: {level: count}} in one grouped query (the district table)."""
        rows = (
            self.order_by()
            .values("school_id")
            .annotate(
                **{level.value: Count("id", filter=Q(level=level.value)) for level in RiskLevel},
                reassess=Count("id", filter=Q(needs_reassessment=True)),
            )
        )
        return {row.pop("school_id"): row for row in rows}


class AssessmentQuerySet(SchoolOwnedQuerySet):
    school_field = "point__school"
