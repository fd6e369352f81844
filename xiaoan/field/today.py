"""Today's work for the user: the drafts they may fill in, their school's patrol points and,
where it runs a canteen, its daily food-safety logs."""

from __future__ import annotations

import datetime
from typing import Any

from xiaoan.accounts.access import has_role, membership_of
from xiaoan.core.dates import local_today
from xiaoan.hazards.models import Hazard
from xiaoan.inspections.choices import InspectionStatus
from xiaoan.inspections.models import Inspection
from xiaoan.registers.models import PatrolPoint

# Drafts begun this long ago are still offered: an inspection may run over a few days.
RECENT_DAYS = 14
SHOWN = 30


def open_inspections(user: Any) -> list[Inspection]:
    """Drafts dated in the last two weeks (or later) that this user may fill in."""
    since = local_today() - datetime.timedelta(days=RECENT_DAYS)
    drafts = (
        Inspection.objects.for_user(user)
        .filter(status=InspectionStatus.DRAFT, date__gte=since)
        .select_related("school")
        .order_by("-date", "-id")[: SHOWN * 3]
    )
    return [d for d in drafts if "answer" in d.allowed_actions(user)][:SHOWN]


def patrol_points(user: Any) -> list[Any]:
    """The active patrol points of the user's own school (school users only)."""
    membership = membership_of(user)
    if membership is None or membership.school_id is None:
        return []
    points = PatrolPoint.objects.for_user(user).filter(school=membership.school_id, is_active=True)
    return list(points.order_by("order", "name"))


def food_logs(user: Any) -> list[Any]:
    """The daily food-safety logs the user keeps on a phone (a school with a canteen): each
    register's new-row form is kept on the device with today's page."""
    from xiaoan.registers.tables import REGISTERS

    membership = membership_of(user)
    school = membership.school if membership is not None else None
    if school is None or not school.canteen:
        return []
    return [r for r in REGISTERS if r.offline and has_role(user, *r.writers)]


def offline_forms() -> list[str]:
    """The new-row forms of the registers kept on a phone, which the service worker keeps."""
    from django.urls import reverse

    from xiaoan.registers.tables import REGISTERS

    return [reverse("registers:create", args=[r.slug]) for r in REGISTERS if r.offline]


def may_report_hazards(user: Any) -> bool:
    return has_role(user, *Hazard.REPORTER_ROLES)
