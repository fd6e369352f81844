"""Who sees which inspection: written once for pages, API, exports and photos."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models
from django.db.models import Q

from xiaoan.accounts.access import in_reach, membership_of
from xiaoan.accounts.choices import Role
from xiaoan.schools.querysets import SchoolOwnedQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class InspectionQuerySet(SchoolOwnedQuerySet):
    """School isolation, plus: a department inspector sees the inspections its department
    took part in or that it recorded, at any school of the district."""

    inspection_prefix = ""

    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        qs = super().for_user(user)
        membership = membership_of(user)
        if membership is not None and membership.role == Role.DEPT_INSPECTOR:
            p = self.inspection_prefix
            qs = qs.filter(
                Q(**{f"{p}departments": membership.department_id})
                | Q(**{f"{p}created_by": user.pk})
            ).distinct()
        return qs

    def with_related(self) -> Self:
        return self.select_related("school", "campaign", "created_by").prefetch_related(
            "departments", "sections", "areas"
        )


class AnswerQuerySet(InspectionQuerySet):
    school_field = "inspection__school"
    inspection_prefix = "inspection__"


class ScheduleQuerySet(models.QuerySet):
    """Schedules are the bureau's plans for its district: district roles see them."""

    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        if getattr(user, "is_superuser", False) and user.is_authenticated:
            return self.all()
        membership = membership_of(user)
        if membership is None or membership.school_id is not None:
            return self.none()
        return self.filter(in_reach(membership))

    def planned(self) -> Self:
        """Rounds still on the plan (not cancelled)."""
        return self.filter(status="planned")
