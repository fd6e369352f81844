"""Access to the registers: every page, API view and export starts from `for_user(user)`.

Registers that name people the school protects (visitors, the watch list, special-group
children) are read by need to know: `PersonalQuerySet.readers` lists the roles that see the
rows at all (see docs/visibility.md); everybody else gets an empty list and 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self

from xiaoan.accounts.access import is_superuser, role_of
from xiaoan.accounts.choices import Role
from xiaoan.core.querysets import ActiveDuringQuerySet
from xiaoan.schools.querysets import SchoolOwnedQuerySet

if TYPE_CHECKING:
    import datetime


class RegisterQuerySet(SchoolOwnedQuerySet):
    """A school's register row: the school sees its own, the district its bureau's."""


class ActiveRegisterQuerySet(ActiveDuringQuerySet, RegisterQuerySet):  # type: ignore[override]
    """A register of things in service for a span of days (vehicles, drivers, security staff):
    `current()` today's, `as_of(day)` a past day's (see `core.querysets`)."""


# The gate's people: the school's own (the admin, the staff at the gate) and the bureau's
# safety section; not the leaders, the government or the departments' inspectors.
GATE_READERS = (Role.SCHOOL_ADMIN, Role.SCHOOL_STAFF, Role.BUREAU_ADMIN)
# Who may read the children's names; the pages say so to everybody else.
SPECIAL_GROUP_READERS = (Role.SCHOOL_ADMIN, Role.BUREAU_ADMIN)


class PersonalQuerySet(RegisterQuerySet):
    """Rows naming people: only `readers` (of the school or its district) see them."""

    readers: ClassVar[tuple[str, ...]] = GATE_READERS

    def for_user(self, user: Any) -> Self:
        if is_superuser(user):
            return self.all()
        if role_of(user) not in self.readers:
            return self.none()
        return super().for_user(user)


class SpecialGroupQuerySet(ActiveDuringQuerySet, PersonalQuerySet):  # type: ignore[override]
    """Children's records: only the school's safety administrator and the bureau's officer.

    Leaders, the government, inspectors and school staff see nothing (so a detail page answers
    404 for them); they see the counts by school instead.
    """

    readers = SPECIAL_GROUP_READERS


class VisitorQuerySet(PersonalQuerySet):
    def on_day(self, day: datetime.date) -> Self:
        return self.filter(entered_at__date=day)

    def inside(self) -> Self:
        return self.filter(left_at__isnull=True, refused=False)


class LetterQuerySet(RegisterQuerySet):
    """Letters signed at school level belong to a school; bureau → school letters too."""
