"""The year's assessment ranking as an Excel workbook (the same rows as the page)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook

from xiaoan.core.excel import build_workbook

from .models import Assessment


def ranking_workbook(assessments: Iterable[Assessment], year: str) -> Workbook:
    headers = [
        _("Rank"),
        _("School"),
        _("Inspections held"),
        _("Hazards closed on time"),
        _("Monthly reports on time"),
        _("Registers kept"),
        _("Incidents"),
        _("Total score"),
        _("One-vote veto"),
        _("Reason for the veto"),
        _("Assessment result"),
    ]
    rows = [
        [
            rank,
            a.school.name,
            a.inspections_score,
            a.hazards_score,
            a.monthly_score,
            a.registers_score,
            a.incidents_score,
            a.total,
            _("Yes") if a.vetoed else (_("Flagged for the veto") if _flagged(a) else ""),
            a.veto_reason,
            a.get_result_display() if a.result else _("Not complete"),
        ]
        for rank, a in enumerate(assessments, start=1)
    ]
    return build_workbook(_("Safety assessment %(year)s") % {"year": year}, headers, rows)


def _flagged(assessment: Assessment) -> bool:
    flag = getattr(assessment, "veto_flag", None)
    return assessment.veto_proposed() if flag is None else bool(flag)
