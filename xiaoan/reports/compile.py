"""A school's monthly figures, counted from the ledger and inspections at the moment of asking."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from xiaoan.core.dates import local_today
from xiaoan.hazards.choices import HazardLevel, HazardStatus
from xiaoan.hazards.models import Hazard
from xiaoan.registers.models import month_drill_figures, month_food_figures
from xiaoan.risks.figures import month_risk_figures

from .figures import area_rows, hazard_list, inspections_held, month_bounds, totals


def school_month_figures(school: Any, year: int, month: int) -> dict[str, Any]:
    """Found this month, closed this month, still open and overdue (now), by area.

    "Still open" and "overdue" count every hazard of the school found by the month's end, not
    only this month's: the bureau wants to know what the school still carries.
    """
    start, end = month_bounds(year, month)
    as_of = min(local_today(), end)
    mine = Hazard.objects.filter(school=school)
    found = area_rows(mine.filter(found_on__range=(start, end)), as_of)
    carried = area_rows(mine.filter(found_on__lte=end), as_of)
    closed = _closed_in_month(mine, start, end)
    rows = [
        {
            "code": f["code"],
            "name": f["name"],
            "found": f["found"],
            "major": f["major"],
            "closed": closed.get(f["code"], 0),
            "open": c["open"],
            "overdue": c["overdue"],
        }
        for f, c in zip(found, carried, strict=True)
    ]
    total = totals(rows)
    majors = mine.filter(level=HazardLevel.MAJOR).filter(
        Q(found_on__range=(start, end))
        | Q(status__in=HazardStatus.open_states(), found_on__lte=end)
    )
    held = inspections_held([school.pk], start, end)
    return {
        "year": year,
        "month": month,
        "as_of": as_of.isoformat(),
        "areas": rows,
        "total": total,
        "inspections": held,
        "drills": month_drill_figures(school, start, end),
        "food": month_food_figures(school, start, end),
        "risks": month_risk_figures(school, start, end),
        "major": hazard_list(majors),
        "nil": total["found"] == 0 and total["open"] == 0 and total["closed"] == 0,
    }


def _closed_in_month(hazards: Any, start: Any, end: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    closed = hazards.filter(status=HazardStatus.CLOSED, closed_at__date__range=(start, end))
    for code in closed.values_list("area__code", flat=True):
        counts[code] = counts.get(code, 0) + 1
    return counts
