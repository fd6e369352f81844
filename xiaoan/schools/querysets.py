"""Access rules, written once: every page, API view and export starts from `for_user(user)`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models

from xiaoan.accounts.access import in_reach, membership_of
from xiaoan.core.querysets import ActiveDuringQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class SchoolOwnedQuerySet(models.QuerySet):
    """For models that belong to a school through `school_field` (a lookup path).

    District-wide roles see their bureau's schools, a city's or a province's roles those of
    the districts under it (`accounts.access.in_reach`); school roles see their own school
    only; anyone else sees nothing. Superusers see everything.
    """

    school_field = "school"

    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        if user.is_authenticated and getattr(user, "is_superuser", False):
            return self.all()
        membership = membership_of(user)
        if membership is None:
            return self.none()
        if membership.school_id is not None:
            return self.filter(**{self.school_field: membership.school_id})
        return self.filter(in_reach(membership, f"{self.school_field}__bureau"))


class SchoolQuerySet(ActiveDuringQuerySet, SchoolOwnedQuerySet):  # type: ignore[override]
    """Schools a user may see; `current()` those on the registry today, `as_of(day)` those
    on it on a past day (see `core.querysets`)."""

    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        if user.is_authenticated and getattr(user, "is_superuser", False):
            return self.all()
        membership = membership_of(user)
        if membership is None:
            return self.none()
        if membership.school_id is not None:
            return self.filter(pk=membership.school_id)
        return self.filter(in_reach(membership))

    def childcare(self) -> SchoolQuerySet:
        from .choices import SchoolKind

        return self.filter(kind=SchoolKind.KINDERGARTEN)

    def primary_and_secondary(self) -> SchoolQuerySet:
        from .choices import SchoolKind

        return self.exclude(kind=SchoolKind.KINDERGARTEN)


class DistrictOrganisationQuerySet(models.QuerySet):
    """Partner departments and bureau sections: every account of the district sees its own."""

    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        if user.is_authenticated and getattr(user, "is_superuser", False):
            return self.all()
        membership = membership_of(user)
        if membership is None:
            return self.none()
        return self.filter(in_reach(membership))

    def in_use(self) -> Self:
        """Those still offered in forms (a retired one stays on the records that name it)."""
        return self.filter(is_active=True)


class DepartmentQuerySet(DistrictOrganisationQuerySet):
    pass


class SectionQuerySet(DistrictOrganisationQuerySet):
    pass
