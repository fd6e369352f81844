"""The ledger (隐患台账) as Excel: exactly the rows of the filtered list, in the standard layout."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook

from xiaoan.core.dates import local_date
from xiaoan.core.excel import build_workbook

from .models import Hazard


def ledger_headers() -> list[str]:
    return [
        _("No."),
        _("Reference code"),
        _("School"),
        _("Area"),
        _("Hazard description"),
        _("Location"),
        _("Hazard level"),
        _("Source"),
        _("Found on"),
        _("Found by"),
        _("Rectification opinion"),
        _("Responsible person"),
        _("Deadline"),
        _("Rectification measures"),
        _("Cost (yuan)"),
        _("Interim control measures"),
        _("Status"),
        _("Overdue"),
        _("Under supervision"),
        _("Closed on"),
        _("Risk point"),
    ]


def ledger_rows(hazards: QuerySet[Hazard]) -> list[list[object]]:
    yes, no = _("Yes"), _("No")
    rows = []
    for number, h in enumerate(hazards, start=1):
        closed = local_date(h.closed_at) if h.closed_at else None
        rows.append(
            [
                number,
                h.code,
                h.school.name,
                h.area.name,
                h.description,
                h.location,
                h.get_level_display(),
                h.get_source_display(),
                h.found_on,
                h.department.name if h.department else h.school.name,
                h.opinion,
                h.responsible_person,
                h.deadline,
                h.measures,
                h.cost,
                h.interim_control,
                h.get_status_display(),
                yes if h.is_overdue else no,
                yes if h.supervised else no,
                closed,
                h.risk_point.name if h.risk_point else "",
            ]
        )
    return rows


def ledger_workbook(hazards: QuerySet[Hazard]) -> Workbook:
    wb = build_workbook(_("Hazard ledger"), ledger_headers(), ledger_rows(hazards))
    ws = wb.active
    assert ws is not None
    for column in ("I", "M", "T"):
        for cell in ws[column][2:]:
            cell.number_format = "yyyy-mm-dd"
    return wb
