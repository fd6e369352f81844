"""The school registry as Excel, in the same columns the importer reads."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook

from xiaoan.core.excel import build_workbook

from .models import School


def schools_workbook(schools: QuerySet[School]) -> Workbook:
    yes, no = _("Yes"), _("No")
    headers = [
        _("Code"),
        _("Name"),
        _("Kind"),
        _("Address"),
        _("Principal"),
        _("Phone"),
        _("Enrolment"),
        _("Boarding"),
        _("Canteen"),
        _("Private"),
    ]
    rows = (
        [
            s.code,
            s.name,
            s.get_kind_display(),
            s.address,
            s.principal,
            s.phone,
            s.enrolment,
            yes if s.boarding else no,
            yes if s.canteen else no,
            no if not s.private else yes,
        ]
        for s in schools
    )
    return build_workbook(_("School registry"), headers, rows)
