"""Who sees campaigns and work plans: one rule each, used by pages, API and exports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models

from xiaoan.accounts.access import membership_of
from xiaoan.schools.querysets import SchoolOwnedQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class CampaignQuerySet(models.QuerySet):
    """A campaign is the whole district's: every active member of the bureau sees it."""

    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        if user.is_authenticated and getattr(user, "is_superuser", False):
            return self.all()
        membership = membership_of(user)
        if membership is None:
            return self.none()
        return self.filter(bureau=membership.bureau_id)


class WorkPlanQuerySet(SchoolOwnedQuerySet):
    def with_related(self) -> Self:
        return self.select_related("school", "campaign", "reviewed_by")


class WorkPlanChildQuerySet(SchoolOwnedQuerySet):
    school_field = "plan__school"
