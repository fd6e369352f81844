"""The risk register in the reports' figures: what was in a school's or a district's register
at a period's end, by level, and the re-assessments after a recurrence in the period. Empty
(None) where no register was kept, so a report of a school or district without one reads as
it always did. Figures are frozen as plain codes and numbers; the text is made when shown."""

from __future__ import annotations

import datetime
from typing import Any

from .choices import AssessmentReason
from .models import RiskAssessment, RiskPoint


def month_risk_figures(school: Any, start: datetime.date, end: datetime.date) -> dict | None:
    """A school's register at the month's end: points by level, those to be re-assessed."""
    points = RiskPoint.objects.filter(school=school).as_of(end)
    return _figures(points, start, end)


def district_risk_figures(bureau_id: int, start: datetime.date, end: datetime.date) -> dict | None:
    """The district's registers at the period's end, and how many schools keep one."""
    points = RiskPoint.objects.filter(school__bureau_id=bureau_id).as_of(end)
    found = _figures(points, start, end)
    if found is not None:
        found["schools"] = points.values("school").distinct().count()
    return found


def _figures(points: Any, start: datetime.date, end: datetime.date) -> dict | None:
    counts = points.level_counts()
    if not sum(counts.values()):
        return None
    reassessed = RiskAssessment.objects.filter(
        point__in=points.values("pk"),
        reason=AssessmentReason.RECURRENCE,
        created_at__date__range=(start, end),
    ).count()
    return {
        "by_level": counts,
        "total": sum(counts.values()),
        "reassessed_after_recurrence": reassessed,
        "to_reassess": points.to_reassess().count(),
    }
