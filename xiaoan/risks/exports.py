"""The register and the district table as Excel workbooks (the same rows as the pages)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook

from xiaoan.core.excel import build_workbook

from .choices import RiskLevel
from .models import RiskPoint
from .tables import SchoolRow


def register_workbook(points: Iterable[RiskPoint]) -> Workbook:
    headers = [
        _("School"),
        _("risk point"),
        _("location"),
        _("area"),
        _("hazard sources"),
        _("possible consequences"),
        _("control measures"),
        _("person responsible"),
        _("phone of the person responsible"),
        _("likelihood (L)"),
        _("severity (S)"),
        _("Score (L×S)"),
        _("risk level"),
        _("to be re-assessed"),
        _("identified on"),
        _("retired on"),
    ]
    rows = [
        [
            p.school.name,
            p.name,
            p.location,
            p.area.name,
            p.hazard_sources,
            p.consequences,
            p.control_measures,
            p.responsible,
            p.responsible_phone,
            p.likelihood,
            p.severity,
            p.score,
            p.get_level_display(),
            _("Yes") if p.needs_reassessment else "",
            p.identified_on,
            p.retired_on,
        ]
        for p in points
    ]
    return build_workbook(_("Risk register"), headers, rows)


def district_workbook(rows: Iterable[SchoolRow]) -> Workbook:
    headers = [
        _("School code"),
        _("School"),
        *[str(level.label) for level in RiskLevel],
        _("Total"),
        _("to be re-assessed"),
    ]
    data = [
        [
            row.school.code,
            row.school.name,
            *[row.counts[level.value] for level in RiskLevel],
            row.total,
            row.reassess,
        ]
        for row in rows
    ]
    return build_workbook(_("Risk points by school"), headers, data)
