"""Import the school registry from Excel, on the one import machinery (`core.imports`): all
rows or none, every bad row reported by number and reason, a preview before anything is saved.

Schools are matched by code within the bureau (an existing code is updated); a name another
school of the district has is a bad row, as is a name or code repeated in the file. Asked with
the file (`SchoolUploadForm`), the import opens the safety administrator account of every
imported school that has none, in the same transaction; a login another user already has is a
bad row of its school. The initial passwords then come out once, as an Excel sheet
(`accounts:initial_passwords`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from xiaoan.accounts.access import has_role, member
from xiaoan.accounts.choices import Role
from xiaoan.accounts.models import taken_logins
from xiaoan.core.dates import local_today
from xiaoan.core.errors import NotAllowed
from xiaoan.core.imports import (
    NEW,
    UPDATE,
    Importer,
    ImportFailed,
    ImportResult,
    Pages,
    Plan,
    Row,
    UploadForm,
    bulk_write,
    field_column,
)

from .models import Bureau, School, open_admin_accounts

__all__ = ["ImportFailed", "SchoolImporter", "SchoolUploadForm", "import_schools"]

# The ways a bureau's sheets name a kind, besides its Chinese and English labels.
KIND_SPELLINGS = {
    "幼儿园": "kindergarten",
    "托幼机构": "kindergarten",
    "民工子弟学校": "migrant",
    "小学": "primary",
    "初中": "junior",
    "高中": "senior",
    "职高": "vocational",
    "九年一贯制": "nine_year",
}
FIELDS = ("name", "kind", "address", "principal", "phone", "enrolment", "boarding", "private")


class SchoolUploadForm(UploadForm):
    admin_accounts = forms.BooleanField(
        label=gettext_lazy("Open a safety administrator account for each school that has none"),
        required=False,
        initial=True,
        help_text=gettext_lazy(
            "The initial passwords come out once, in an Excel sheet to hand out."
        ),
    )


class SchoolImporter(Importer):
    """The district's school registry, in the columns of its export (代码, 名称, 类型…).

    `options`: `admin_accounts` (open the missing safety administrator accounts) and, from
    the command line (no user: the server's operator), `bureau`."""

    slug = "schools"
    title = gettext_lazy("School registry")
    upload_form = SchoolUploadForm
    columns = (
        field_column(School, "code", "代码", "学校代码", "Code", "code", example="S001"),
        field_column(School, "name", "名称", "学校名称", "Name", "name", example="清溪区东门小学"),
        field_column(
            School,
            "kind",
            "类型",
            "Kind",
            "kind",
            extra=KIND_SPELLINGS,
            note=gettext_lazy("小学、初中、高中、九年一贯制、职高、幼儿园 or 民工子弟学校."),
            example="小学",
        ),
        field_column(School, "address", "地址", "Address", example="东门路1号"),
        field_column(School, "principal", "校长", "Principal", example="王校长"),
        field_column(School, "phone", "电话", "Phone", example="0571-8888888"),
        field_column(
            School,
            "enrolment",
            "在校人数",
            "Enrolment",
            note=gettext_lazy("A whole number; empty: 0."),
            example=640,
        ),
        field_column(School, "boarding", "寄宿", "Boarding", example="否"),
        field_column(
            School,
            "canteen",
            "食堂",
            "有食堂",
            "Canteen",
            keep_empty=True,
            note=gettext_lazy(
                "是 if the school runs its own canteen (it then keeps the daily food-safety "
                "control); empty: 否 for a new school, unchanged for one already on the registry."
            ),
            example="是",
        ),
        field_column(School, "private", "民办", "Private", example="否"),
        field_column(
            School,
            "opened_on",
            "入册日期",
            "On the registry since",
            note=gettext_lazy(
                "The day the school joined the district's registry, e.g. 1998-09-01, so the "
                "figures of past periods count it; empty: today for a new school, unchanged "
                "for one already on the registry."
            ),
            example="1998-09-01",
        ),
    )

    def check_user(self) -> None:
        if self.user is None:
            return  # the command line: the server's operator
        if not has_role(self.user, Role.BUREAU_ADMIN):
            raise NotAllowed(_("Only the bureau's safety section keeps the registry."))

    @property
    def bureau(self) -> Bureau:
        bureau = self.options.get("bureau")
        return bureau if bureau is not None else member(self.user).bureau

    @property
    def open_accounts(self) -> bool:
        return bool(self.options.get("admin_accounts"))

    def load(self, rows: list[Row]) -> None:
        for row in rows:
            row.data["code"] = (row.data.get("code") or "").upper()
        schools = list(School.objects.filter(bureau=self.bureau))
        self.by_code = {s.code.upper(): s for s in schools}
        self.by_name = {s.name: s for s in schools}
        self.names: dict[str, int] = {}
        self.taken_logins: set[str] = set()
        if self.open_accounts:
            with_admin = set(
                School.objects.filter(
                    bureau=self.bureau, memberships__role=Role.SCHOOL_ADMIN
                ).values_list("code", flat=True)
            )
            self.wanted = {
                row.number: School(code=row.data["code"]).admin_username()
                for row in rows
                if row.data["code"] and row.data["code"] not in with_admin
            }
            self.taken_logins = taken_logins(self.wanted.values())

    def resolve(self, row: Row) -> None:
        code, name = row.data["code"], row.data.get("name")
        if name:
            if name in self.names:
                row.problem(_("name repeats row %(row)s") % {"row": self.names[name]})
            self.names.setdefault(name, row.number)
            holder = self.by_name.get(name)
            if holder is not None and holder.code.upper() != code:
                row.problem(
                    _("another school (%(code)s) already has this name") % {"code": holder.code}
                )
        login = self.wanted.get(row.number) if self.open_accounts else None
        if login in self.taken_logins:
            row.problem(
                _("the login %(login)s of its administrator account is taken") % {"login": login}
            )
        if not code or row.problems:
            return
        values = {name: row.data.get(name) for name in FIELDS}
        values["enrolment"] = values["enrolment"] or 0
        row.key = code
        row.existing = self.by_code.get(code)
        if row.data.get("canteen") is not None:
            # A sheet from before the column leaves an existing school's canteen as it is.
            values["canteen"] = row.data["canteen"]
        opened_on = row.data.get("opened_on")
        if opened_on is not None:
            values["opened_on"] = opened_on
            closed_on = getattr(row.existing, "closed_on", None)
            if opened_on > local_today() or (closed_on and opened_on >= closed_on):
                row.problem(
                    _("the registry date %(date)s is after today or not before it left")
                    % {"date": opened_on}
                )
        row.extra["values"] = values
        if row.existing is not None:
            row.changes = self.changes_of(row.existing, values)

    def notes(self, plan: Plan) -> list[str]:
        if not self.open_accounts:
            return []
        count = len(self.wanted)
        return [
            ngettext(
                "%(count)s safety administrator account will be opened; its initial password "
                "comes out once, as an Excel sheet.",
                "%(count)s safety administrator accounts will be opened; their initial "
                "passwords come out once, as an Excel sheet.",
                count,
            )
            % {"count": count}
        ]

    def write(self, plan: Plan) -> ImportResult:
        """One short transaction, in a few statements per 500 rows: the new schools inserted
        and the changed ones updated in bulk, each with its change-log row (action `import`),
        then the missing accounts opened together (`open_admin_accounts`)."""
        bureau = self.bureau
        schools: list[School] = []
        new: list[School] = []
        for row in plan.rows:
            if row.action == NEW:
                new.append(School(bureau=bureau, code=row.data["code"], **row.extra["values"]))
            schools.append(new[-1] if row.action == NEW else row.existing)
        updates = [(row.existing, row.changes) for row in plan.rows if row.action == UPDATE]
        with transaction.atomic():
            bulk_write(School, new, updates, self.user)
            self.accounts = self._open_accounts(bureau, schools)
        return ImportResult(len(new), len(updates), plan.count("unchanged"))

    def _open_accounts(self, bureau: Bureau, schools: list[School]) -> list[dict[str, str]]:
        """The safety administrator account of every imported school that has none."""
        if not self.open_accounts:
            return []
        with_admin = set(
            School.objects.filter(bureau=bureau, memberships__role=Role.SCHOOL_ADMIN).values_list(
                "pk", flat=True
            )
        )
        without = sorted((s for s in schools if s.pk not in with_admin), key=lambda s: s.code)
        return open_admin_accounts(self.user, bureau, without)

    def finish(self, request: HttpRequest, result: ImportResult, pages: Pages) -> HttpResponse:
        from xiaoan.accounts.exports import keep_for_sheet

        messages.success(request, result.message())
        if self.accounts:
            keep_for_sheet(request, self.accounts)
            return redirect("accounts:initial_passwords")
        return redirect(pages.done)

    def finish_in_background(self, result: ImportResult) -> Any:
        """The accounts' initial passwords come with the job, as a sheet downloaded once."""
        from xiaoan.accounts.exports import passwords_workbook
        from xiaoan.core.excel import workbook_bytes
        from xiaoan.core.jobs import Output

        if not self.accounts:
            return Output(result.message())
        opened = ngettext(
            "%(count)s safety administrator account was opened; download the sheet of its "
            "initial password below.",
            "%(count)s safety administrator accounts were opened; download the sheet of their "
            "initial passwords below.",
            len(self.accounts),
        ) % {"count": len(self.accounts)}
        return Output(
            f"{result.message()}{opened}",
            filename=_("Initial passwords") + ".xlsx",
            data=workbook_bytes(passwords_workbook(self.accounts)),
            once=True,
        )


def import_schools(
    data: bytes, bureau: Bureau, user: Any = None, open_accounts: bool = False
) -> ImportResult:
    """Check the whole file, then save it (the command line, and code that has the file):
    `ImportFailed` with every bad row, or the result."""
    importer = SchoolImporter(user, options={"bureau": bureau, "admin_accounts": open_accounts})
    return importer.write(importer.check(data))
