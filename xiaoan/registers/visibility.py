"""Personal data by need to know: which roles read which personal field of a register row.

The rows themselves are limited by the querysets (`querysets.PersonalQuerySet`: visitors, the
watch list, special-group children); the fields here are masked or left out for the roles
that see the row but not the field. The list pages, the Excel exports and the API call these
functions, so the three always agree. The matrix is written out in docs/visibility.md.
"""

from __future__ import annotations

from typing import Any

from xiaoan.accounts.access import is_superuser, membership_of, role_of
from xiaoan.accounts.choices import Role
from xiaoan.schools.choices import DepartmentKind

from . import identity

# Drivers' licence numbers and dates of birth: the school, the bureau (safety section and
# leaders) and the traffic police, who check drivers; not the government or other departments.
DRIVER_DETAIL_ROLES = (
    Role.SCHOOL_ADMIN,
    Role.SCHOOL_STAFF,
    Role.BUREAU_ADMIN,
    Role.BUREAU_LEADER,
)


# Canteen workers' health (the morning check's names and symptoms): the school, the bureau
# (safety section and leaders) and the departments that oversee food and health.
HEALTH_DETAIL_ROLES = DRIVER_DETAIL_ROLES
HEALTH_DEPARTMENTS = (DepartmentKind.FOOD, DepartmentKind.HEALTH)


def is_department(user: Any, *kinds: str) -> bool:
    """Is `user` an inspector of a department of one of `kinds`?"""
    membership = membership_of(user)
    if membership is None or membership.role != Role.DEPT_INSPECTOR:
        return False
    department = membership.department
    return department is not None and department.kind in kinds


def is_traffic_police(user: Any) -> bool:
    return is_department(user, DepartmentKind.TRAFFIC_POLICE)


def sees_staff_health(user: Any) -> bool:
    """May `user` read the names and symptoms of a morning check (rows it can see)?"""
    if is_superuser(user):
        return True
    membership = membership_of(user)
    if membership is None:
        return False
    return membership.role in HEALTH_DETAIL_ROLES or is_department(user, *HEALTH_DEPARTMENTS)


def staff_health(check: Any, user: Any) -> str:
    """Every worker checked, the unwell with their symptoms; empty for those without the need."""
    if not sees_staff_health(user):
        return ""
    well = "、".join(p["name"] for p in check.staff if not p.get("symptoms"))
    return "；".join(part for part in (well, check.unwell_text()) if part)


def sees_driver_details(user: Any) -> bool:
    """May `user` read drivers' licence numbers and dates of birth (rows it can see)?"""
    if is_superuser(user):
        return True
    membership = membership_of(user)
    if membership is None:
        return False
    return membership.role in DRIVER_DETAIL_ROLES or is_traffic_police(user)


def driver_licence(driver: Any, user: Any) -> str:
    """The licence number, or only its last four characters for those without the need."""
    if sees_driver_details(user):
        return str(driver.licence_no)
    return identity.mask(driver.licence_no)


def driver_birth_date(driver: Any, user: Any) -> Any:
    """The date of birth, or None for those without the need."""
    return driver.birth_date if sees_driver_details(user) else None


def sees_whole_history(row: Any, user: Any) -> bool:
    """The change history shows fields' old and new values: only to who reads every field."""
    if type(row).__name__ == "Driver":
        return sees_driver_details(user)
    if type(row).__name__ == "MorningCheck":
        return sees_staff_health(user)
    return True


def redact(row: Any, user: Any, data: dict[str, Any]) -> dict[str, Any]:
    """A serialized row with the fields `user` may not read masked or emptied."""
    if type(row).__name__ == "Driver":
        if "licence_no" in data:
            data["licence_no"] = driver_licence(row, user)
        if "birth_date" in data and not sees_driver_details(user):
            data["birth_date"] = None
    if type(row).__name__ == "MorningCheck" and "staff" in data and not sees_staff_health(user):
        data["staff"] = None
    return data


def history_hidden_from(user: Any) -> list[type]:
    """The register models whose change history (old and new values of people's names, ID and
    licence numbers) `user` may not read in the district's change log."""
    from django.apps import apps

    from .querysets import PersonalQuerySet

    if is_superuser(user):
        return []
    role = role_of(user)
    hidden: list[type] = []
    for model in apps.get_app_config("registers").get_models():
        queryset = model._default_manager.all()
        if isinstance(queryset, PersonalQuerySet) and role not in queryset.readers:
            hidden.append(model)
        elif model.__name__ == "Driver" and not sees_driver_details(user):
            hidden.append(model)
        elif model.__name__ == "MorningCheck" and not sees_staff_health(user):
            hidden.append(model)
    return hidden
