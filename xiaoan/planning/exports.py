"""The ranking and the districts' table in Excel, as the pages show them."""

from __future__ import annotations

import datetime

from django.http import HttpResponse
from django.utils.translation import gettext as _

from xiaoan.core.excel import build_workbook, workbook_response

from .scores import DistrictScore, SchoolScore
from .terms import TERMS


def _reason(lines: list) -> str:
    return _("; ").join(f"{line.label} {line.value:g}×{line.weight:g}" for line in lines)


def ranking_response(scores: list[SchoolScore], day: datetime.date) -> HttpResponse:
    """One row a school, highest first: its score, its reason, and each term's value and
    points."""
    headers = [_("Rank"), _("Code"), _("School"), _("Score"), _("Reason")]
    for term in TERMS:
        headers += [str(term.label), _("Points")]
    rows = []
    for row in scores:
        cells: list = [row.rank, row.school.code, row.school.name, row.score, _reason(row.reasons)]
        for line in row.lines:
            cells += [line.value, line.points]
        rows.append(cells)
    title = _("Risk scores of the schools as of %(day)s") % {"day": day.isoformat()}
    return workbook_response(build_workbook(title, headers, rows), title + ".xlsx")


def districts_response(rows: list[DistrictScore], day: datetime.date) -> HttpResponse:
    headers = [_("District"), _("Schools"), _("Mean score"), _("Highest score"), _("Total")]
    headers += [str(term.label) for term in TERMS]
    data = [
        [
            r.bureau.name,
            r.count,
            r.mean,
            r.top.score if r.top else 0,
            r.total,
            *[points for _term, points in r.term_points],
        ]
        for r in rows
    ]
    title = _("Risk scores of the districts as of %(day)s") % {"day": day.isoformat()}
    return workbook_response(build_workbook(title, headers, data), title + ".xlsx")
