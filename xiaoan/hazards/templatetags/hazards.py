"""The ledger's rows, rendered once for each version of what they show (`core.fragments`)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from xiaoan.core import fragments
from xiaoan.core.dates import local_today

register = template.Library()


@register.simple_tag(takes_context=True)
def ledger_rows(context: template.Context, hazards: Any) -> SafeString:
    """One `hazards/_row.html` for each hazard: its code, school, area, description, dates and
    state badges (overdue depends on the day; the school's name is left out of a school
    user's row)."""
    membership = context.get("membership")
    school_user = bool(membership is not None and membership.is_school_user)
    today = local_today()

    def key(hazard: Any) -> tuple[Any, ...]:
        school, area = hazard.school, hazard.area
        return (
            hazard.pk,
            hazard.version,
            hazard.updated_at.timestamp(),
            school.pk,
            school.version,
            area.pk,
            area.version,
            int(school_user),
            today.isoformat(),
        )

    return fragments.rows(
        "hazards/_row.html", hazards, key, {"is_school_user": school_user}, name="hazard"
    )
