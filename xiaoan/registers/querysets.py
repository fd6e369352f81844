"""Access to the registers: every page, API view and export starts from `for_user(user)`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.db import models

from xiaoan.accounts.access import role_of
from xiaoan.accounts.choices import Role
from xiaoan.schools.querysets import SchoolOwnedQuerySet

if TYPE_CHECKING:
    import datetime


class RegisterQuerySet(SchoolOwnedQuerySet):
    """A school's register row: the school sees its own, the district its bureau's."""


# Who may read the children's names; the pages say so to everybody else.
SPECIAL_GROUP_READERS = (Role.SCHOOL_ADMIN, Role.BUREAU_ADMIN)


class SpecialGroupQuerySet(SchoolOwnedQuerySet):
    """Children's records: only the school's safety administrator and the bureau's officer.

    Leaders, the government, inspectors and school staff see nothing (so a detail page answers
    404 for them); they see the counts by school instead.
    """

    def for_user(self, user: Any) -> Self:
        if getattr(user, "is_superuser", False):
            return self.all()
        if role_of(user) not in SPECIAL_GROUP_READERS:
            return self.none()
        return super().for_user(user)


class VisitorQuerySet(SchoolOwnedQuerySet):
    def on_day(self, day: datetime.date) -> Self:
        return self.filter(entered_at__date=day)

    def inside(self) -> Self:
        return self.filter(left_at__isnull=True, refused=False)


class LetterQuerySet(SchoolOwnedQuerySet):
    """Letters signed at school level belong to a school; bureau → school letters too."""


class AssessmentQuerySet(SchoolOwnedQuerySet):
    def with_veto_flag(self) -> Self:
        """`veto_flag`: a major liability accident at the school in the assessment's year."""
        from .models.incidents import Incident

        accidents = Incident.objects.major_liability().filter(
            school=models.OuterRef("school"), occurred_at__year=models.OuterRef("year")
        )
        return self.annotate(veto_flag=models.Exists(accidents))

    def ranked(self) -> Self:
        return self.order_by("vetoed", models.F("total").desc(nulls_last=True), "school__code")
