"""Import registers the bureau and the schools already keep in Excel: pick-up vehicles, drivers,
security staff, campus police rooms, responsibility letters and special-group children.

Each is a `RegisterImporter`: its columns, the fields that find the row it updates within a
school (`key`), and who may import it. A district's bureau admin imports for any school of the
district; a school's administrator only for its own school (children: the bureau only, see
docs/visibility.md). Rows are written with `core.imports.bulk_write`: inserted or updated in
batches in one transaction, each with its change-log row (action `import`).
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.db import models as dj_models
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiaoan.accounts.choices import Role
from xiaoan.core.dates import local_today
from xiaoan.core.imports import (
    Column,
    ImportResult,
    Plan,
    Row,
    bulk_write,
    field_column,
    text_column,
)
from xiaoan.schools.imports import SchoolRecordsImporter, school_columns

from . import models
from .choices import LetterLevel, SpecialGroupKind, StaffKind


class RegisterImporter(SchoolRecordsImporter):
    """Rows of one register; `key` names the fields that make a row the same record within
    its school (an existing one is updated, a repeat in the file is a bad row)."""

    model: ClassVar[type[dj_models.Model]]
    key: ClassVar[tuple[str, ...]]
    not_after_today: ClassVar[tuple[str, ...]] = ()  # date columns of what has happened
    roles: ClassVar[tuple[str, ...]] = (Role.SCHOOL_ADMIN, Role.BUREAU_ADMIN)

    def fields(self) -> list[str]:
        return [c.field for c in self.columns if c.field not in ("school_code", "school_name")]

    def load(self, rows: list[Row]) -> None:
        super().load(rows)
        self.present = set(rows[0].cells) if rows else set()
        reach = self.model.objects.filter(school__in=list(self.schools_by_code.values()))  # type: ignore[attr-defined]
        self.existing = {self._key(r.school_id, r.__dict__): r for r in reach}

    def _key(self, school_id: int, values: dict[str, Any]) -> tuple[Any, ...]:
        return (school_id, *(_norm(values.get(name)) for name in self.key))

    def values(self, row: Row) -> dict[str, Any]:
        """The row's values of the columns the file has; an empty yes/no keeps the default."""
        values = {}
        for name in self.fields():
            if name not in self.present:
                continue
            value = row.data.get(name)
            field = self.model._meta.get_field(name)
            if value is None and isinstance(field, dj_models.CharField | dj_models.TextField):
                value = ""
            if value is None and isinstance(field, dj_models.BooleanField):
                continue
            values[name] = value
        return values

    def resolve(self, row: Row) -> None:
        school = self.resolve_school(row)
        if school is None or row.problems:
            return
        values = self.values(row)
        row.extra.update(school=school, values=values)
        row.key = self._key(school.pk, row.data)
        row.existing = self.existing.get(row.key)
        if row.existing is not None:
            row.changes = self.changes_of(row.existing, values)
        for name in self.not_after_today:
            day = row.data.get(name)
            if day and day > local_today():
                row.problem(_("the date %(date)s is after today") % {"date": day})
        self.validate(row, school, values)

    def validate(self, row: Row, school: Any, values: dict[str, Any]) -> None:
        """A register's own rules (a vehicle's plate, a driver's qualification)."""

    def write(self, plan: Plan) -> ImportResult:
        new = [
            self.model(school=row.extra["school"], recorded_by=self.user, **row.extra["values"])
            for row in plan.rows
            if row.action == "new"
        ]
        updates = [(row.existing, row.changes) for row in plan.rows if row.action == "update"]
        with transaction.atomic():
            bulk_write(self.model, new, updates, self.user)
        return ImportResult(len(new), len(updates), plan.count("unchanged"))


def _norm(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _plate(value: Any) -> str:
    return "".join(str(value or "").split()).upper()


# ---- vehicles and drivers ------------------------------------------------------------------

REQUIRED_DATE = gettext_lazy("Required, a date.")


def active_dates(model: type[dj_models.Model]) -> tuple[Column, Column]:
    """The days a vehicle, driver or child is on the register (the registry that remembers):
    empty "from" is "since before the records began", empty "until" is "still on it"."""
    return (
        field_column(
            model,
            "active_from",
            "入册日期",
            "Active from",
            note=gettext_lazy("A date; empty: on the register since before the records began."),
            example=datetime.date(2014, 2, 17),
        ),
        field_column(
            model,
            "active_until",
            "离册日期",
            "Active until",
            note=gettext_lazy("A date; empty: still on the register."),
        ),
    )


class VehicleImporter(RegisterImporter):
    slug = "vehicles"
    title = gettext_lazy("Pick-up vehicles")
    model = models.Vehicle
    key = ("plate",)
    columns = (
        *school_columns(),
        field_column(
            model,
            "plate",
            "车牌号",
            "Plate number",
            note=gettext_lazy(
                "Required; one vehicle a row. A plate already registered for "
                "the same school updates that vehicle."
            ),
            example="浙A·12345",
        ),
        field_column(
            model,
            "seats",
            "核定座位数",
            "Seats",
            "座位数",
            note=gettext_lazy("Required, 1 to 80."),
            example=19,
        ),
        field_column(
            model,
            "owner",
            "车辆所有人",
            "Owner",
            "车主",
            note=gettext_lazy("Required, the owner or operator."),
            example="清溪客运公司",
        ),
        field_column(model, "is_school_bus", "是否校车", "School bus", example="是"),
        field_column(
            model,
            "bus_licence_no",
            "校车标牌号",
            "School-bus sign number",
            note=gettext_lazy("Required for a school bus; at most 30 characters."),
            example="XC-2014-001",
        ),
        field_column(
            model,
            "inspection_due",
            "下次年检日期",
            "Next inspection due",
            "年检到期日",
            note=gettext_lazy("Required, a date such as 2015-03-01."),
            example=datetime.date(2015, 3, 1),
        ),
        field_column(
            model,
            "insurance_due",
            "保险到期日",
            "Insurance valid until",
            note=REQUIRED_DATE,
            example=datetime.date(2015, 6, 30),
        ),
        *active_dates(model),
    )

    def load(self, rows: list[Row]) -> None:
        for row in rows:
            if row.data.get("plate"):
                row.data["plate"] = _plate(row.data["plate"])
        super().load(rows)
        plates = [row.data["plate"] for row in rows if row.data.get("plate")]
        self.plates = {v.plate.upper(): v for v in models.Vehicle.objects.filter(plate__in=plates)}

    def validate(self, row: Row, school: Any, values: dict[str, Any]) -> None:
        taken = self.plates.get(row.data.get("plate") or "")
        if taken is not None and taken.school_id != school.pk:
            row.problem(
                _("the plate %(plate)s is registered for another school") % {"plate": taken.plate}
            )
        # The register's own rules, as the form says them (a school bus's sign number…).
        candidate = models.Vehicle(**{**_fields_of(row.existing), **values})
        candidate.pk = row.existing.pk if row.existing is not None else None
        for messages in candidate.rule_errors().values():
            for message in messages:
                row.problem(message)


class DriverImporter(RegisterImporter):
    """Drivers are checked against article 23 as the form checks them: a driver who fails a
    condition is a bad row, with each failed condition."""

    slug = "drivers"
    title = gettext_lazy("Drivers")
    model = models.Driver
    key = ("licence_no",)
    columns = (
        *school_columns(),
        field_column(model, "name", "姓名", "Full name", example="张师傅"),
        field_column(
            model,
            "licence_no",
            "驾驶证号",
            "Driving licence number",
            note=gettext_lazy(
                "Required; a number already registered for the same school updates that driver."
            ),
            example="330102197001011234",
        ),
        field_column(
            model,
            "licence_class",
            "准驾车型",
            "Licence class",
            note=gettext_lazy("A1, A3, B1 (may drive a school bus), B2 or C1."),
            example="A1",
        ),
        field_column(
            model,
            "licence_valid_until",
            "驾驶证有效期至",
            "Licence valid until",
            note=REQUIRED_DATE,
            example=datetime.date(2020, 1, 1),
        ),
        field_column(
            model,
            "birth_date",
            "出生日期",
            "Date of birth",
            note=gettext_lazy("Required; a school-bus driver is 25 to 60."),
            example=datetime.date(1970, 1, 1),
        ),
        field_column(
            model,
            "driving_years",
            "驾龄（年）",
            "Years of driving",
            "驾龄",
            note=gettext_lazy("Required, whole years; at least 3."),
            example=15,
        ),
        text_column(
            "vehicle_plate",
            "车牌号",
            20,
            aliases=("Vehicle", "Plate number"),
            note=gettext_lazy(
                "Optional: the school's vehicle the driver drives, "
                "registered first (import the vehicles before)."
            ),
            example="浙A·12345",
        ),
        *(
            field_column(models.Driver, name, header, example="否")
            for name, header in (
                ("full_points_in_3_cycles", "三个记分周期内有满分记录"),
                ("fatal_accident_record", "有致人死亡或重伤的交通事故责任记录"),
                ("drink_driving_record", "有酒后驾驶记录"),
                ("serious_violation_last_year", "最近一年内有超员超速记录"),
                ("criminal_record", "有犯罪记录"),
            )
        ),
        field_column(model, "health_ok", "身体健康", example="是"),
        *active_dates(model),
    )

    def fields(self) -> list[str]:
        return [name for name in super().fields() if name != "vehicle_plate"]

    def load(self, rows: list[Row]) -> None:
        super().load(rows)
        self.vehicles = {
            (v.school_id, v.plate.upper()): v
            for v in models.Vehicle.objects.filter(school__in=list(self.schools_by_code.values()))
        }

    def validate(self, row: Row, school: Any, values: dict[str, Any]) -> None:
        plate = _plate(row.data.get("vehicle_plate"))
        if "vehicle_plate" in self.present:
            vehicle = self.vehicles.get((school.pk, plate)) if plate else None
            if plate and vehicle is None:
                row.problem(_("the school has no vehicle %(plate)s") % {"plate": plate})
            values["vehicle"] = vehicle
            if row.existing is not None:
                row.changes = self.changes_of(row.existing, values)
        candidate = models.Driver(**{**_fields_of(row.existing), **values})
        for failure in candidate.qualification_failures(local_today()):
            row.problem(failure)


def _fields_of(record: Any) -> dict[str, Any]:
    if record is None:
        return {}
    return {f.name: getattr(record, f.name) for f in record._meta.concrete_fields if f.name != "id"}


# ---- security ------------------------------------------------------------------------------


class SecurityStaffImporter(RegisterImporter):
    slug = "security-staff"
    title = gettext_lazy("Security staff")
    model = models.SecurityStaff
    key = ("name", "kind")
    columns = (
        *school_columns(),
        field_column(
            model,
            "name",
            "姓名",
            "Full name",
            note=gettext_lazy(
                "Required; the same name and kind at the same school updates that person."
            ),
            example="李保安",
        ),
        field_column(
            model,
            "kind",
            "类别",
            "Kind",
            extra={"保安": StaffKind.GUARD, "专职保安": StaffKind.FULL_TIME},
            note=gettext_lazy("保安员、辅警 or 专职保卫干部."),
            example="保安员",
        ),
        field_column(
            model,
            "post",
            "岗位",
            "Post",
            note=gettext_lazy("Required, e.g. 校门岗."),
            example="校门岗",
        ),
        field_column(model, "phone", "电话", "Phone", example="13800000000"),
        field_column(
            model,
            "since",
            "到岗日期",
            "Since",
            note=REQUIRED_DATE,
            example=datetime.date(2014, 3, 1),
        ),
        field_column(
            model,
            "until",
            "离岗日期",
            "Until",
            note=gettext_lazy("Empty while still in post; not before the start."),
        ),
    )

    def validate(self, row: Row, school: Any, values: dict[str, Any]) -> None:
        since, until = row.data.get("since"), row.data.get("until")
        if since and until and until < since:
            row.problem(_("the end date %(date)s is before the start date") % {"date": until})


class PoliceRoomImporter(RegisterImporter):
    slug = "police-rooms"
    title = gettext_lazy("Campus police rooms")
    model = models.PoliceRoom
    key = ("name",)
    not_after_today = ("established_on",)
    columns = (
        *school_columns(),
        field_column(
            model,
            "name",
            "警务室名称",
            "Name",
            "名称",
            note=gettext_lazy("Required; the same name at the same school updates it."),
            example="东门小学校园警务室",
        ),
        field_column(model, "police_station", "所属派出所", "Police station", example="东门派出所"),
        field_column(model, "officer", "负责民警", "Officer in charge", example="赵警官"),
        field_column(
            model,
            "established_on",
            "建立日期",
            "Established on",
            note=gettext_lazy("Required, not after today."),
            example=datetime.date(2014, 9, 1),
        ),
    )


# ---- oversight -----------------------------------------------------------------------------


class LetterImporter(RegisterImporter):
    slug = "letters"
    title = gettext_lazy("Responsibility letters")
    model = models.ResponsibilityLetter
    key = ("year", "level", "signatory")
    not_after_today = ("signed_on",)
    columns = (
        *school_columns(),
        field_column(
            model, "year", "年度", "Year", note=gettext_lazy("Required, e.g. 2014."), example=2014
        ),
        field_column(
            model,
            "level",
            "责任书层级",
            "Letter level",
            "层级",
            extra={
                "教育局→学校": LetterLevel.BUREAU_SCHOOL,
                "局对学校": LetterLevel.BUREAU_SCHOOL,
                "学校→教职工": LetterLevel.SCHOOL_STAFF,
                "学校对教职工": LetterLevel.SCHOOL_STAFF,
            },
            note=gettext_lazy("教育局 → 学校 or 学校 → 教职工."),
            example="教育局 → 学校",
        ),
        field_column(model, "issuer", "签发单位", "Issued by", example="清溪区教育局"),
        field_column(
            model,
            "signatory",
            "签订人",
            "Signatory",
            note=gettext_lazy(
                "Required; the same year, level and signatory at the "
                "same school updates that letter."
            ),
            example="王校长",
        ),
        field_column(
            model,
            "signed_on",
            "签订日期",
            "Signed on",
            note=gettext_lazy("Empty while not signed; not after today."),
            example=datetime.date(2014, 3, 1),
        ),
    )


# ---- children --------------------------------------------------------------------------------


class SpecialGroupImporter(RegisterImporter):
    """Children's records: the bureau's safety section only (docs/visibility.md)."""

    slug = "special-groups"
    title = gettext_lazy("Special groups")
    model = models.SpecialGroupChild
    key = ("name", "class_name")
    roles = (Role.BUREAU_ADMIN,)
    columns = (
        *school_columns(),
        field_column(
            model,
            "name",
            "姓名",
            "Full name",
            note=gettext_lazy(
                "Required; the same name and class at the same school updates that child."
            ),
            example="小明",
        ),
        field_column(
            model,
            "class_name",
            "班级",
            "Class",
            note=gettext_lazy("Required, e.g. 三（2）班."),
            example="三（2）班",
        ),
        field_column(
            model,
            "kind",
            "类别",
            "Group",
            extra={"外来务工子女": SpecialGroupKind.MIGRANT, "留守": SpecialGroupKind.LEFT_BEHIND},
            note=gettext_lazy("外来务工人员子女 or 留守儿童."),
            example="留守儿童",
        ),
        field_column(model, "guardian", "监护人", "Guardian", example="小明奶奶"),
        field_column(
            model, "guardian_phone", "监护人电话", "Guardian's phone", example="13900000000"
        ),
        field_column(model, "caring_teacher", "结对教师", "Caring teacher", example="陈老师"),
        field_column(
            model,
            "notes",
            "备注",
            "Notes",
            note=gettext_lazy("At most 200 characters."),
        ),
        *active_dates(model),
    )


IMPORTERS: dict[str, type[RegisterImporter]] = {
    importer.slug: importer
    for importer in (
        VehicleImporter,
        DriverImporter,
        SecurityStaffImporter,
        PoliceRoomImporter,
        LetterImporter,
        SpecialGroupImporter,
    )
}
