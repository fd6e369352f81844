"""What the pages show beyond a list: the colour map of one school's points (the L×S grid) and
the district table (each school's points by level), both read from `for_user` querysets."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from xiaoan.schools.models import School

from .choices import SCALE, RiskLevel, level_for
from .models import RiskPoint

LEVELS = [level.value for level in RiskLevel]


@dataclass
class Cell:
    likelihood: int
    severity: int
    level: str
    points: list[RiskPoint] = field(default_factory=list)

    @property
    def score(self) -> int:
        return self.likelihood * self.severity


def colour_map(points: QuerySet[RiskPoint]) -> list[list[Cell]]:
    """Rows from severity 5 down to 1, columns likelihood 1 to 5; each cell coloured by the
    level of its product, with the points assessed there."""
    placed: dict[tuple[int, int], list[RiskPoint]] = defaultdict(list)
    for point in points:
        placed[(point.likelihood, point.severity)].append(point)
    return [
        [Cell(l_, s, level_for(l_, s).value, placed[(l_, s)]) for l_ in SCALE]
        for s in reversed(SCALE)
    ]


@dataclass
class SchoolRow:
    school: School
    counts: dict[str, int]
    reassess: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def grave(self) -> int:
        return self.counts["red"] + self.counts["orange"]


def district_rows(
    schools: QuerySet[School], points: QuerySet[RiskPoint], only_grave: bool = False
) -> list[SchoolRow]:
    """Every school of `schools` with its points of `points` counted by level (two queries)."""
    per_school = points.per_school_levels()  # type: ignore[attr-defined]
    rows = []
    for school in schools.order_by("code"):
        found: dict[str, Any] = per_school.get(school.pk, {})
        counts = {level: int(found.get(level, 0)) for level in LEVELS}
        rows.append(SchoolRow(school, counts, int(found.get("reassess", 0))))
    if only_grave:
        rows = [row for row in rows if row.grave]
    return rows


def totals(rows: list[SchoolRow]) -> dict[str, int]:
    result = {level: sum(row.counts[level] for row in rows) for level in LEVELS}
    result["reassess"] = sum(row.reassess for row in rows)
    result["total"] = sum(row.total for row in rows)
    return result
