"""Who sees campaigns and work plans: one rule each, used by pages, API and exports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models
from django.db.models import Q

from xiaoan.accounts.access import in_reach, is_regional, membership_of
from xiaoan.schools.querysets import SchoolOwnedQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class CampaignQuerySet(models.QuerySet):
    """A campaign is the whole district's: every active member of the bureau sees it.

    A city's or a province's campaign is its own and its districts': their bureaus' roles
    see it (to adopt it), and the city or province sees its own and its districts' campaigns.
    """

    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        if user.is_authenticated and getattr(user, "is_superuser", False):
            return self.all()
        membership = membership_of(user)
        if membership is None:
            return self.none()
        own = Q(bureau=membership.bureau_id)
        if is_regional(user):
            return self.filter(own | in_reach(membership))
        if membership.school_id is None:
            own |= Q(bureau__region__in=_regions_above(membership.bureau_id))
        return self.filter(own)

    def from_above(self) -> Self:
        """A city's or a province's campaigns (which districts adopt)."""
        return self.exclude(bureau__region__level="district")


def _regions_above(bureau_id: int) -> models.QuerySet:
    """The city and the province over a district bureau's region (a subquery)."""
    from xiaoan.schools.models import Region

    return Region.objects.filter(
        Q(children__bureau=bureau_id) | Q(children__children__bureau=bureau_id)
    ).values("pk")


class WorkPlanQuerySet(SchoolOwnedQuerySet):
    def with_related(self) -> Self:
        return self.select_related("school", "campaign", "reviewed_by")


class WorkPlanChildQuerySet(SchoolOwnedQuerySet):
    school_field = "plan__school"
