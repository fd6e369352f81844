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
    ImportResult,
    Plan,
    Row,
    bool_column,
    bulk_write,
    choice_column,
    date_column,
    integer_column,
    text_column,
)
from xiaoan.schools.imports import SchoolRecordsImporter, school_columns

from . import models
from .choices import LetterLevel, LicenceClass, SpecialGroupKind, StaffKind


class RegisterImporter(SchoolRecordsImporter):
    """Rows of one register; `key` names the fields that make a row the same record within
    its school (an existing one is updated, a repeat in the file is a bad row)."""

    model: ClassVar[type[dj_models.Model]]
    key: ClassVar[tuple[str, ...]]
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


# The days a vehicle, driver or child is on the register (the registry that remembers): empty
# "from" is "since before the records began", empty "until" is "still on it".
ACTIVE_DATES = (
    date_column(
        "active_from",
        "入册日期",
        aliases=("Active from",),
        note=gettext_lazy("A date; empty: on the register since before the records began."),
        example=datetime.date(2014, 2, 17),
    ),
    date_column(
        "active_until",
        "离册日期",
        aliases=("Active until",),
        note=gettext_lazy("A date; empty: still on the register."),
        example="",
    ),
)


class VehicleImporter(RegisterImporter):
    slug = "vehicles"
    title = gettext_lazy("Pick-up vehicles")
    model = models.Vehicle
    key = ("plate",)
    columns = (
        *school_columns(),
        text_column(
            "plate",
            "车牌号",
            20,
            required=True,
            aliases=("Plate number",),
            note=gettext_lazy(
                "Required; one vehicle a row. A plate already registered for "
                "the same school updates that vehicle."
            ),
            example="浙A·12345",
        ),
        integer_column(
            "seats",
            "核定座位数",
            minimum=1,
            maximum=80,
            required=True,
            aliases=("Seats", "座位数"),
            note=gettext_lazy("Required, 1 to 80."),
            example=19,
        ),
        text_column(
            "owner",
            "车辆所有人",
            100,
            required=True,
            aliases=("Owner", "车主"),
            note=gettext_lazy("Required, the owner or operator."),
            example="清溪客运公司",
        ),
        bool_column(
            "is_school_bus",
            "是否校车",
            aliases=("School bus",),
            note=gettext_lazy("是 or 否; empty: 是."),
            example="是",
        ),
        text_column(
            "bus_licence_no",
            "校车标牌号",
            30,
            aliases=("School-bus sign number",),
            note=gettext_lazy("At most 30 characters."),
            example="XC-2014-001",
        ),
        date_column(
            "inspection_due",
            "下次年检日期",
            required=True,
            aliases=("Next inspection due", "年检到期日"),
            note=gettext_lazy("Required, a date such as 2015-03-01."),
            example=datetime.date(2015, 3, 1),
        ),
        date_column(
            "insurance_due",
            "保险到期日",
            required=True,
            aliases=("Insurance valid until",),
            note=gettext_lazy("Required, a date."),
            example=datetime.date(2015, 6, 30),
        ),
        *ACTIVE_DATES,
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


DRIVER_RECORD = gettext_lazy("是 or 否; empty: 否.")


class DriverImporter(RegisterImporter):
    """Drivers are checked against article 23 as the form checks them: a driver who fails a
    condition is a bad row, with each failed condition."""

    slug = "drivers"
    title = gettext_lazy("Drivers")
    model = models.Driver
    key = ("licence_no",)
    columns = (
        *school_columns(),
        text_column(
            "name",
            "姓名",
            50,
            required=True,
            aliases=("Full name",),
            note=gettext_lazy("Required."),
            example="张师傅",
        ),
        text_column(
            "licence_no",
            "驾驶证号",
            30,
            required=True,
            aliases=("Driving licence number",),
            note=gettext_lazy(
                "Required; a number already registered for the same school updates that driver."
            ),
            example="330102197001011234",
        ),
        choice_column(
            "licence_class",
            "准驾车型",
            LicenceClass,
            required=True,
            aliases=("Licence class",),
            note=gettext_lazy("A1, A3, B1 (may drive a school bus), B2 or C1."),
            example="A1",
        ),
        date_column(
            "licence_valid_until",
            "驾驶证有效期至",
            required=True,
            aliases=("Licence valid until",),
            note=gettext_lazy("Required, a date."),
            example=datetime.date(2020, 1, 1),
        ),
        date_column(
            "birth_date",
            "出生日期",
            required=True,
            aliases=("Date of birth",),
            note=gettext_lazy("Required; a school-bus driver is 25 to 60."),
            example=datetime.date(1970, 1, 1),
        ),
        integer_column(
            "driving_years",
            "驾龄（年）",
            minimum=0,
            maximum=60,
            required=True,
            aliases=("Years of driving", "驾龄"),
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
        bool_column(
            "full_points_in_3_cycles", "三个记分周期内有满分记录", note=DRIVER_RECORD, example="否"
        ),
        bool_column(
            "fatal_accident_record",
            "有致人死亡或重伤的交通事故责任记录",
            note=DRIVER_RECORD,
            example="否",
        ),
        bool_column("drink_driving_record", "有酒后驾驶记录", note=DRIVER_RECORD, example="否"),
        bool_column(
            "serious_violation_last_year",
            "最近一年内有超员超速记录",
            note=DRIVER_RECORD,
            example="否",
        ),
        bool_column("criminal_record", "有犯罪记录", note=DRIVER_RECORD, example="否"),
        bool_column(
            "health_ok", "身体健康", note=gettext_lazy("是 or 否; empty: 是."), example="是"
        ),
        *ACTIVE_DATES,
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
        text_column(
            "name",
            "姓名",
            50,
            required=True,
            aliases=("Full name",),
            note=gettext_lazy(
                "Required; the same name and kind at the same school updates that person."
            ),
            example="李保安",
        ),
        choice_column(
            "kind",
            "类别",
            StaffKind,
            {"保安": StaffKind.GUARD, "专职保安": StaffKind.FULL_TIME},
            required=True,
            aliases=("Kind",),
            note=gettext_lazy("保安员、辅警 or 专职保卫干部."),
            example="保安员",
        ),
        text_column(
            "post",
            "岗位",
            100,
            required=True,
            aliases=("Post",),
            note=gettext_lazy("Required, e.g. 校门岗."),
            example="校门岗",
        ),
        text_column(
            "phone",
            "电话",
            30,
            aliases=("Phone",),
            note=gettext_lazy("Optional."),
            example="13800000000",
        ),
        date_column(
            "since",
            "到岗日期",
            required=True,
            aliases=("Since",),
            note=gettext_lazy("Required, a date."),
            example=datetime.date(2014, 3, 1),
        ),
        date_column(
            "until",
            "离岗日期",
            aliases=("Until",),
            note=gettext_lazy("Empty while still in post; not before the start."),
            example="",
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
    columns = (
        *school_columns(),
        text_column(
            "name",
            "警务室名称",
            100,
            required=True,
            aliases=("Name", "名称"),
            note=gettext_lazy("Required; the same name at the same school updates it."),
            example="东门小学校园警务室",
        ),
        text_column(
            "police_station",
            "所属派出所",
            100,
            aliases=("Police station",),
            note=gettext_lazy("Optional."),
            example="东门派出所",
        ),
        text_column(
            "officer",
            "负责民警",
            50,
            aliases=("Officer in charge",),
            note=gettext_lazy("Optional."),
            example="赵警官",
        ),
        date_column(
            "established_on",
            "建立日期",
            required=True,
            aliases=("Established on",),
            note=gettext_lazy("Required, not after today."),
            example=datetime.date(2014, 9, 1),
        ),
    )

    def validate(self, row: Row, school: Any, values: dict[str, Any]) -> None:
        day = row.data.get("established_on")
        if day and day > local_today():
            row.problem(_("the date %(date)s is after today") % {"date": day})


# ---- oversight -----------------------------------------------------------------------------


class LetterImporter(RegisterImporter):
    slug = "letters"
    title = gettext_lazy("Responsibility letters")
    model = models.ResponsibilityLetter
    key = ("year", "level", "signatory")
    columns = (
        *school_columns(),
        integer_column(
            "year",
            "年度",
            minimum=2000,
            maximum=2100,
            required=True,
            aliases=("Year",),
            note=gettext_lazy("Required, e.g. 2014."),
            example=2014,
        ),
        choice_column(
            "level",
            "责任书层级",
            LetterLevel,
            {
                "教育局→学校": LetterLevel.BUREAU_SCHOOL,
                "局对学校": LetterLevel.BUREAU_SCHOOL,
                "学校→教职工": LetterLevel.SCHOOL_STAFF,
                "学校对教职工": LetterLevel.SCHOOL_STAFF,
            },
            required=True,
            aliases=("Letter level", "层级"),
            note=gettext_lazy("教育局 → 学校 or 学校 → 教职工."),
            example="教育局 → 学校",
        ),
        text_column(
            "issuer",
            "签发单位",
            100,
            required=True,
            aliases=("Issued by",),
            note=gettext_lazy("Required."),
            example="清溪区教育局",
        ),
        text_column(
            "signatory",
            "签订人",
            100,
            required=True,
            aliases=("Signatory",),
            note=gettext_lazy(
                "Required; the same year, level and signatory at the "
                "same school updates that letter."
            ),
            example="王校长",
        ),
        date_column(
            "signed_on",
            "签订日期",
            aliases=("Signed on",),
            note=gettext_lazy("Empty while not signed; not after today."),
            example=datetime.date(2014, 3, 1),
        ),
    )

    def validate(self, row: Row, school: Any, values: dict[str, Any]) -> None:
        day = row.data.get("signed_on")
        if day and day > local_today():
            row.problem(_("the date %(date)s is after today") % {"date": day})


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
        text_column(
            "name",
            "姓名",
            50,
            required=True,
            aliases=("Full name",),
            note=gettext_lazy(
                "Required; the same name and class at the same school updates that child."
            ),
            example="小明",
        ),
        text_column(
            "class_name",
            "班级",
            50,
            required=True,
            aliases=("Class",),
            note=gettext_lazy("Required, e.g. 三（2）班."),
            example="三（2）班",
        ),
        choice_column(
            "kind",
            "类别",
            SpecialGroupKind,
            {"外来务工子女": SpecialGroupKind.MIGRANT, "留守": SpecialGroupKind.LEFT_BEHIND},
            required=True,
            aliases=("Group",),
            note=gettext_lazy("外来务工人员子女 or 留守儿童."),
            example="留守儿童",
        ),
        text_column(
            "guardian",
            "监护人",
            50,
            required=True,
            aliases=("Guardian",),
            note=gettext_lazy("Required."),
            example="小明奶奶",
        ),
        text_column(
            "guardian_phone",
            "监护人电话",
            30,
            aliases=("Guardian's phone",),
            note=gettext_lazy("Optional."),
            example="13900000000",
        ),
        text_column(
            "caring_teacher",
            "结对教师",
            50,
            required=True,
            aliases=("Caring teacher",),
            note=gettext_lazy("Required."),
            example="陈老师",
        ),
        text_column(
            "notes",
            "备注",
            200,
            aliases=("Notes",),
            note=gettext_lazy("At most 200 characters."),
            example="",
        ),
        *ACTIVE_DATES,
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
