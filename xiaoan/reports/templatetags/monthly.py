"""The monthly reports list's rows, rendered once for each version of what they show
(`core.fragments`)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from xiaoan.core import fragments
from xiaoan.reports.models import MonthlyReport

register = template.Library()


@register.simple_tag(takes_context=True)
def monthly_rows(context: template.Context, reports: Any) -> SafeString:
    """One `reports/_monthly_row.html` for each report: its school (left out of a school user's
    rows), month, state and figures. Reports read with only their keys (`row_keys`) are read
    whole for the rows not kept."""
    membership = context.get("membership")
    school_user = bool(membership is not None and membership.is_school_user)

    def key(report: Any) -> tuple[Any, ...]:
        return (*fragments.versions(report, report.school), int(school_user))

    return fragments.rows(
        "reports/_monthly_row.html",
        reports,
        key,
        {"is_school_user": school_user},
        name="r",
        whole=MonthlyReport.objects.all().rows_whole,
    )
