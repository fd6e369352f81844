"""What every import of a school's records shares: the school named by its code (or its name),
found only among the schools the user may see, and who may import."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiaoan.accounts.access import has_role, membership_of
from xiaoan.accounts.choices import Role
from xiaoan.core.errors import NotAllowed
from xiaoan.core.imports import Column, Importer, Row, text_column

from .models import School


def school_columns() -> tuple[Column, ...]:
    return (
        text_column(
            "school_code",
            "学校代码",
            20,
            aliases=("School code", "代码"),
            note=gettext_lazy(
                "The school's code in the registry (e.g. S001). A school's own administrator "
                "may leave it empty: the row is the own school's."
            ),
            example="S001",
        ),
        text_column(
            "school_name",
            "学校名称",
            100,
            aliases=("学校", "School"),
            note=gettext_lazy(
                "Used only when the code is empty: the school's full name as in the registry."
            ),
            example="",
        ),
    )


class SchoolRecordsImporter(Importer):
    """An import of rows that each belong to a school of the user's reach: a district role
    names any school of its district, a school's administrator only its own (an empty code is
    the own school; another school's code is unknown, as everywhere)."""

    roles: ClassVar[tuple[str, ...]] = (Role.BUREAU_ADMIN,)
    either = (("school_code", "school_name"),)

    def check_user(self) -> None:
        if not has_role(self.user, *self.roles):
            raise NotAllowed(_("Your role may not import these records."))

    def load(self, rows: list[Row]) -> None:
        schools = list(School.objects.for_user(self.user))
        self.schools_by_code = {s.code.upper(): s for s in schools}
        self.schools_by_name = {s.name: s for s in schools}
        membership = membership_of(self.user)
        own = membership.school_id if membership is not None else None
        self.own_school = next((s for s in schools if s.pk == own), None) if own else None

    def resolve_school(self, row: Row) -> School | None:
        code = (row.data.get("school_code") or "").upper()
        name = row.data.get("school_name") or ""
        if code:
            school = self.schools_by_code.get(code)
            if school is None:
                row.problem(_("unknown school code “%(code)s”") % {"code": code})
            return school
        if name:
            school = self.schools_by_name.get(name)
            if school is None:
                row.problem(_("unknown school “%(name)s”") % {"name": name})
            return school
        if self.own_school is not None:
            return self.own_school
        row.problem(_("the school code is missing"))
        return None


def school_cell(row: Row) -> Any:
    return row.data.get("school_code") or row.data.get("school_name")
