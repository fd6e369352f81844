"""Who sees which accounts, written once: the pages and the API start from `for_user(user)`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models

from .access import membership_of
from .choices import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

# The roles that see accounts: the bureau's (the district's) and a school's administrator (its
# own school's). Everyone else sees none.
ACCOUNT_READERS = (Role.BUREAU_ADMIN, Role.BUREAU_LEADER, Role.SCHOOL_ADMIN)


class MembershipQuerySet(models.QuerySet):
    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        if user.is_authenticated and getattr(user, "is_superuser", False):
            return self.all()
        membership = membership_of(user)
        if membership is None or membership.role not in ACCOUNT_READERS:
            return self.none()
        if membership.school_id is not None:
            return self.filter(school=membership.school_id)
        return self.filter(bureau=membership.bureau_id)
