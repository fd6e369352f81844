"""Expiring vehicle papers, for `xiaoan remind` and the papers page.

`expiring_vehicle_papers(today, days)` yields one item per vehicle or driver whose inspection,
insurance or licence falls due within `days` (or is already past), addressed to the school's
safety administrators: {"key", "text", "link", "recipients", "school", "due"}.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.db.models import Q
from django.urls import reverse

from xiaoan.accounts.choices import Role
from xiaoan.accounts.models import Membership

from .models import Driver, Vehicle


def expiring(
    today: datetime.date, days: int, user: Any = None
) -> tuple[list[Vehicle], list[Driver]]:
    """Active vehicles and drivers with papers due by today + days (seen by `user` if given)."""
    until = today + datetime.timedelta(days=days)
    vehicles = Vehicle.objects.filter(
        Q(inspection_due__lte=until) | Q(insurance_due__lte=until), is_active=True
    )
    drivers = Driver.objects.filter(licence_valid_until__lte=until, is_active=True)
    if user is not None:
        vehicles = vehicles.for_user(user)
        drivers = drivers.for_user(user)
    return (
        list(vehicles.select_related("school").order_by("school__code", "plate")),
        list(drivers.select_related("school").order_by("school__code", "name")),
    )


def _admins(school_ids: set[int]) -> dict[int, list[Any]]:
    admins: dict[int, list[Any]] = {}
    for m in Membership.objects.filter(
        role=Role.SCHOOL_ADMIN, school_id__in=school_ids, is_active=True
    ).select_related("user"):
        if m.school_id is not None:
            admins.setdefault(m.school_id, []).append(m.user)
    return admins


def expiring_vehicle_papers(today: datetime.date, days: int = 30) -> Iterator[dict[str, Any]]:
    vehicles, drivers = expiring(today, days)
    admins = _admins({v.school_id for v in vehicles} | {d.school_id for d in drivers})
    link = reverse("registers:papers")
    until = today + datetime.timedelta(days=days)
    for vehicle in vehicles:
        for what, due in vehicle.papers_due(until):
            state = "已过期" if due < today else "即将到期"
            yield {
                "key": f"vehicle:{vehicle.pk}:{what}:{due.isoformat()}",
                "text": f"{vehicle.school.name}车辆{vehicle.plate}的{_zh(what)}{state}（{due:%Y-%m-%d}），请及时办理。",
                "link": link,
                "recipients": admins.get(vehicle.school_id, []),
                "school": vehicle.school,
                "due": due,
            }
    for driver in drivers:
        due = driver.licence_valid_until
        state = "已过期" if due < today else "即将到期"
        yield {
            "key": f"driver:{driver.pk}:licence:{due.isoformat()}",
            "text": f"{driver.school.name}驾驶人{driver.name}的驾驶证{state}（{due:%Y-%m-%d}），请及时换证。",
            "link": link,
            "recipients": admins.get(driver.school_id, []),
            "school": driver.school,
            "due": due,
        }


def _zh(what: str) -> str:
    return {"inspection": "年检", "insurance": "保险"}[what]
