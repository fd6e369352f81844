"""The ledger's rows, rendered once for each version of what they show (`core.fragments`)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from xiaoan.core import fragments
from xiaoan.core.dates import local_today
from xiaoan.hazards.models import Hazard

register = template.Library()


@register.simple_tag(takes_context=True)
def ledger_rows(context: template.Context, hazards: Any) -> SafeString:
    """One `hazards/_row.html` for each hazard: its code, school, area, description, dates and
    state badges (overdue depends on the day; the school's name is left out of a school
    user's row). Hazards read with only their keys are read whole for the rows not kept."""
    membership = context.get("membership")
    school_user = bool(membership is not None and membership.is_school_user)
    today = local_today()

    def key(hazard: Any) -> tuple[Any, ...]:
        shown = fragments.versions(hazard, hazard.school, hazard.area)
        return (*shown, int(school_user), today.isoformat())

    # The ledger's page reads only the rows' keys (`HazardQuerySet.row_keys`).
    return fragments.rows(
        "hazards/_row.html",
        hazards,
        key,
        {"is_school_user": school_user},
        name="hazard",
        whole=Hazard.objects.all().rows_whole,
    )
