"""Does the score point at the schools whose problems come back? The backtest.

The scores are computed as the data stood on a past day; a school is a positive when one of
its hazards found after that day (within `HORIZON_DAYS`) recurred (`HazardQuerySet.
recurrences`: the same area of the same school within a year). The AUC is the chance that a
positive school scores above a negative one (ties count half): 0.5 is a coin, 1 a perfect
ranking.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from xiaoan.hazards.models import Hazard
from xiaoan.schools.models import School

from .scores import SchoolScore, score_schools

HORIZON_DAYS = 365


@dataclass
class Result:
    day: datetime.date
    scores: list[SchoolScore]
    positives: set[int]
    auc: float | None

    @property
    def schools(self) -> int:
        return len(self.scores)


def auc(scores: list[float], labels: list[bool]) -> float | None:
    """The area under the ROC curve (Mann–Whitney): None without positives or negatives."""
    positive = [s for s, label in zip(scores, labels, strict=True) if label]
    negative = [s for s, label in zip(scores, labels, strict=True) if not label]
    if not positive or not negative:
        return None
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in positive for n in negative)
    return wins / (len(positive) * len(negative))


def recurred_after(schools: QuerySet[School], day: datetime.date) -> set[int]:
    """The schools with a hazard found after `day` (within the horizon) that recurred."""
    until = day + datetime.timedelta(days=HORIZON_DAYS)
    later = Hazard.objects.filter(
        school__in=schools.order_by().values("pk"), found_on__gt=day, found_on__lte=until
    )
    return set(later.recurrences().values_list("school", flat=True).distinct())


def backtest(schools: QuerySet[School], day: datetime.date) -> Result:
    scores = score_schools(schools, day)
    positives = recurred_after(schools, day)
    figure = auc([s.score for s in scores], [s.school.pk in positives for s in scores])
    return Result(day, scores, positives, figure)
