"""Each school's risk score on a day, explained term by term, and the scores per district.

`score_schools(schools, day)` reads every term for the whole scope at once: one query for the
schools and one per term, whatever the number of schools.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import QuerySet

from xiaoan.schools.models import Bureau, School
from xiaoan.schools.querysets import SchoolQuerySet

from .terms import TERMS, Term

# The reason shown beside a school: its largest terms.
REASON_TERMS = 3


@dataclass(frozen=True)
class Line:
    """One term of one school: value × weight = points."""

    term: Term
    value: float
    points: float

    @property
    def key(self) -> str:
        return self.term.key

    @property
    def label(self) -> Any:
        return self.term.label

    @property
    def weight(self) -> float:
        return self.term.weight


@dataclass
class SchoolScore:
    school: School
    lines: list[Line]
    rank: int = 0

    @property
    def score(self) -> float:
        return round(sum(line.points for line in self.lines), 2)

    @property
    def reasons(self) -> list[Line]:
        """The terms that weigh most, largest first (none that adds nothing)."""
        lines = sorted((x for x in self.lines if x.points > 0), key=lambda x: -x.points)
        return lines[:REASON_TERMS]


def _points(value: float, weight: float) -> float:
    return round(value * weight, 2)


def score_schools(schools: QuerySet[School], day: datetime.date) -> list[SchoolScore]:
    """Every school of `schools` on the registry on `day`, highest score first (by code
    between equals), each with its terms in the order of `TERMS`."""
    scope = cast(SchoolQuerySet, schools).as_of(day)
    values = {term.key: term.values(scope, day) for term in TERMS}
    rows = []
    for school in scope.select_related("bureau__region").order_by("code", "pk"):
        lines = []
        for term in TERMS:
            value = values[term.key].get(school.pk, 0.0)
            lines.append(Line(term, value, _points(value, term.weight)))
        rows.append(SchoolScore(school, lines))
    rows.sort(key=lambda row: -row.score)
    for rank, row in enumerate(rows, start=1):
        row.rank = rank
    return rows


@dataclass
class DistrictScore:
    """A district's schools' scores rolled up: how many, their sum, mean and highest, and
    the points of each term summed over its schools."""

    bureau: Bureau
    schools: list[SchoolScore] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.schools)

    @property
    def total(self) -> float:
        return round(sum(s.score for s in self.schools), 2)

    @property
    def mean(self) -> float:
        return round(self.total / self.count, 2) if self.schools else 0.0

    @property
    def top(self) -> SchoolScore | None:
        return self.schools[0] if self.schools else None

    @property
    def term_points(self) -> list[tuple[Term, float]]:
        sums: dict[str, float] = defaultdict(float)
        for school in self.schools:
            for line in school.lines:
                sums[line.key] += line.points
        return [(term, round(sums[term.key], 2)) for term in TERMS]

    @property
    def reasons(self) -> list[tuple[Term, float]]:
        ranked = sorted((t for t in self.term_points if t[1] > 0), key=lambda t: -t[1])
        return ranked[:REASON_TERMS]


def by_district(scores: list[SchoolScore]) -> list[DistrictScore]:
    """The scores grouped per district, the district of the highest mean first."""
    districts: dict[int, DistrictScore] = {}
    for row in scores:  # already highest first, so each district's list is too
        bureau = row.school.bureau
        districts.setdefault(bureau.pk, DistrictScore(bureau)).schools.append(row)
    return sorted(districts.values(), key=lambda d: (-d.mean, d.bureau.name))
