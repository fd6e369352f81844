"""Import the bureau's existing hazard ledger (隐患台账) from Excel, all rows or none.

A row names its school by code (or by name, as the ledger export writes it), its area by the
Chinese name (or the English name, or the code), and the hazard's details. A hazard closed in
the old ledger comes in closed on its close-out date; one with a deadline comes in awaiting
rectification; the others as reported — or as the status column says. The reference code is
kept when the row has one (the counter moves past it), else allocated as for a report.

A row whose reference code is already in the ledger updates that hazard's details through its
write path (`guarded_update`, version and state checked); a closed or rejected hazard is never
changed by an import, and a status is never moved backwards. Every imported hazard's history
starts with an `imported` event saying who imported it, when, from which file and row; every
creation and update is in the change log (action `import`).
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiaoan.accounts.access import member
from xiaoan.accounts.choices import Role
from xiaoan.core.changelog import change_entry, guarded_update
from xiaoan.core.dates import day_start, local_date, local_today
from xiaoan.core.imports import (
    BATCH,
    ImportResult,
    Plan,
    Row,
    choice_column,
    date_column,
    decimal_column,
    text_column,
)
from xiaoan.core.models import ChangeAction, ChangeLog
from xiaoan.schools.imports import SchoolRecordsImporter, school_columns

from . import counts
from .choices import EventKind, HazardLevel, HazardSource, HazardStatus
from .models import CODE_PATTERN, Area, Hazard, HazardCounter, HazardEvent

LONG_TEXT = 2000
CODE_SHAPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-/]*$")
# The details an import writes; the state is written only by a close-out.
DETAILS = (
    "area",
    "level",
    "source",
    "description",
    "location",
    "found_on",
    "opinion",
    "responsible_person",
    "deadline",
    "measures",
    "cost",
    "interim_control",
)
NEED_DEADLINE = (
    HazardStatus.ASSIGNED,
    HazardStatus.RECTIFYING,
    HazardStatus.AWAITING_VERIFICATION,
)


def _columns() -> tuple[Any, ...]:
    long: dict[str, Any] = {"multiline": True}
    return (
        text_column(
            "code",
            "隐患编号",
            20,
            aliases=("Reference code", "编号"),
            note=gettext_lazy(
                "Optional. The hazard's number in the old ledger is kept (e.g. YH-2014-0042); "
                "empty: a number is given as for a new report. A number already in the ledger "
                "updates that hazard."
            ),
            example="YH-2014-0042",
        ),
        *school_columns(),
        text_column(
            "area",
            "整治项目",
            80,
            required=True,
            aliases=("Area", "隐患类别"),
            note=gettext_lazy(
                "One of the six areas by its Chinese name — 学生接送车安全、校舍安全、消防安全、"
                "食品卫生安全、实验室及危险化学品安全、校园安保及周边环境 — or by its code: "
                "vehicle, building, fire, food, lab, security."
            ),
            example="消防安全",
        ),
        choice_column(
            "level",
            "隐患等级",
            HazardLevel,
            {"一般隐患": HazardLevel.GENERAL, "重大隐患": HazardLevel.MAJOR},
            aliases=("Hazard level",),
            note=gettext_lazy("一般 or 重大; empty: 一般."),
            example="一般",
        ),
        choice_column(
            "source",
            "发现途径",
            HazardSource,
            {
                "检查": HazardSource.INSPECTION,
                "自查": HazardSource.SELF_REPORT,
                "举报": HazardSource.PUBLIC_TIP,
            },
            aliases=("Source",),
            note=gettext_lazy("检查发现, 自查上报 or 群众举报; empty: 检查发现."),
            example="检查发现",
        ),
        text_column(
            "description",
            "隐患描述",
            LONG_TEXT,
            required=True,
            aliases=("Hazard description",),
            note=gettext_lazy("Required, at most 2,000 characters."),
            example="教学楼二楼消防通道堆放杂物",
            **long,
        ),
        text_column(
            "location",
            "位置",
            200,
            aliases=("Location", "隐患位置"),
            note=gettext_lazy("At most 200 characters."),
            example="教学楼二楼东侧",
        ),
        date_column(
            "found_on",
            "发现日期",
            required=True,
            aliases=("Found on",),
            note=gettext_lazy("Required: a date such as 2014-09-03, not after today."),
            example=datetime.date(2014, 9, 3),
        ),
        text_column(
            "opinion",
            "整改意见",
            LONG_TEXT,
            aliases=("Rectification opinion",),
            note=gettext_lazy("The rectification opinion issued, at most 2,000 characters."),
            example="三日内清理通道，落实每日巡查",
            **long,
        ),
        text_column(
            "responsible_person",
            "整改责任人",
            50,
            aliases=("Responsible person", "责任人"),
            note=gettext_lazy("At most 50 characters."),
            example="王校长",
        ),
        date_column(
            "deadline",
            "整改期限",
            aliases=("Deadline",),
            note=gettext_lazy(
                "The rectification deadline, not before the found date; needed for a hazard "
                "still being rectified."
            ),
            example=datetime.date(2014, 9, 10),
        ),
        text_column(
            "measures",
            "整改措施",
            LONG_TEXT,
            aliases=("Rectification measures",),
            note=gettext_lazy("What was done, at most 2,000 characters."),
            example="已清理杂物，设置禁止堆放标识",
            **long,
        ),
        decimal_column(
            "cost",
            "整改资金（元）",
            aliases=("Cost (yuan)", "整改费用（元）", "整改资金"),
            note=gettext_lazy("Yuan, 0 or more, two decimals at most."),
            example=500,
        ),
        text_column(
            "interim_control",
            "临时管控措施",
            LONG_TEXT,
            aliases=("Interim control measures",),
            note=gettext_lazy("At most 2,000 characters."),
            example="",
            **long,
        ),
        choice_column(
            "status",
            "状态",
            HazardStatus,
            {"已整改": HazardStatus.CLOSED, "已驳回": HazardStatus.REJECTED},
            aliases=("Status",),
            note=gettext_lazy(
                "Optional, one of 待受理、待整改、整改中、待复查、已销号 and 不属实 — when empty: "
                "已销号 if a close-out date is given, 待整改 if a deadline is, else 待受理."
            ),
            example="已销号",
        ),
        date_column(
            "closed_on",
            "销号日期",
            aliases=("Closed on",),
            note=gettext_lazy(
                "The close-out date of a closed hazard: not before the found date, not after "
                "today. The hazard comes in closed."
            ),
            example=datetime.date(2014, 9, 9),
        ),
    )


class LedgerImporter(SchoolRecordsImporter):
    """The hazard ledger: the bureau's safety section imports its district's hazards."""

    slug = "hazards"
    title = gettext_lazy("Hazard ledger")
    roles = (Role.BUREAU_ADMIN,)
    columns = _columns()

    def check_user(self) -> None:
        super().check_user()
        self.bureau = member(self.user).bureau

    def load(self, rows: list[Row]) -> None:
        super().load(rows)
        self.today = local_today()
        self.present = set(rows[0].cells) if rows else set()
        self.areas: dict[str, Area] = {}
        for area in Area.objects.all():
            for name in (area.code, area.name_zh, area.name_en):
                self.areas[name.strip().lower()] = area
        codes = [r.data["code"].upper() for r in rows if r.data.get("code")]
        self.by_code = self._hazards_by_code(codes)
        days = [r.data["found_on"] for r in rows if r.data.get("found_on") and not r.data["code"]]
        self.same: dict[tuple[int, str, datetime.date], str] = {}
        if days:
            known = Hazard.objects.filter(
                bureau=self.bureau, found_on__range=(min(days), max(days))
            ).values_list("school_id", "description", "found_on", "code")
            self.same = {(s, d, f): c for s, d, f, c in known}

    def _hazards_by_code(self, codes: list[str]) -> dict[str, Hazard]:
        found: dict[str, Hazard] = {}
        for start in range(0, len(codes), BATCH):
            chunk = codes[start : start + BATCH]
            for hazard in Hazard.objects.filter(bureau=self.bureau, code__in=chunk):
                found[hazard.code.upper()] = hazard
        return found

    def resolve(self, row: Row) -> None:
        data = row.data
        school = self.resolve_school(row)
        area = self._area(row)
        data["level"] = data.get("level") or HazardLevel.GENERAL
        data["source"] = data.get("source") or HazardSource.INSPECTION
        code = (data.get("code") or "").upper()
        if code and not CODE_SHAPE.match(code):
            row.problem(
                _("the reference code “%(code)s” has characters other than letters, digits and -")
                % {"code": code}
            )
        self._check_dates(row)
        status = self._status(row)
        if school is None or area is None or row.problems:
            return
        row.extra.update(school=school, area=area, status=status)
        values = self._values(row, area)
        if code:
            row.key = ("code", code)
            existing = self.by_code.get(code)
            if existing is not None:
                self._update(row, existing, school, values, status)
            return
        row.key = ("same", school.pk, data["description"], data["found_on"])
        taken = self.same.get((school.pk, data["description"], data["found_on"]))
        if taken:
            row.problem(
                _(
                    "the same hazard (school, description, found date) is already in the ledger as %(code)s"
                )
                % {"code": taken}
            )

    def _area(self, row: Row) -> Area | None:
        name = (row.data.get("area") or "").strip()
        if not name:
            return None  # reported as missing by the column
        area = self.areas.get(name.lower())
        if area is None:
            row.problem(_("unknown area “%(area)s”") % {"area": name})
        return area

    def _check_dates(self, row: Row) -> None:
        found, deadline, closed = (row.data.get(k) for k in ("found_on", "deadline", "closed_on"))
        if found and found > self.today:
            row.problem(_("the found date %(date)s is after today") % {"date": found})
        if found and deadline and deadline < found:
            row.problem(_("the deadline %(date)s is before the found date") % {"date": deadline})
        if closed and closed > self.today:
            row.problem(_("the close-out date %(date)s is after today") % {"date": closed})
        if found and closed and closed < found:
            row.problem(
                _("the close-out date %(date)s is before the found date") % {"date": closed}
            )

    def _status(self, row: Row) -> str:
        data = row.data
        given, closed = data.get("status"), data.get("closed_on")
        if given == HazardStatus.CLOSED and not closed:
            row.problem(_("a closed hazard needs its close-out date (销号日期)"))
        if closed and given not in (None, HazardStatus.CLOSED):
            row.problem(_("a close-out date is given, but the status is not closed"))
        status = given or (
            HazardStatus.CLOSED
            if closed
            else HazardStatus.ASSIGNED
            if data.get("deadline")
            else HazardStatus.REPORTED
        )
        if status in NEED_DEADLINE and not data.get("deadline"):
            row.problem(_("a hazard being rectified needs its deadline (整改期限)"))
        return str(status)

    def _values(self, row: Row, area: Area) -> dict[str, Any]:
        """The row's details, only of the columns the file has (an absent column keeps the
        ledger's value on an update)."""
        values = {name: row.data.get(name) for name in DETAILS if name in self.present}
        values["area"] = area
        values["level"], values["source"] = row.data["level"], row.data["source"]
        for name in ("location", "opinion", "responsible_person", "measures", "interim_control"):
            if name in values:
                values[name] = values[name] or ""
        return values

    def _update(
        self, row: Row, hazard: Hazard, school: Any, values: dict[str, Any], status: str
    ) -> None:
        row.existing = hazard
        if hazard.school_id != school.pk:
            row.problem(
                _("%(code)s is a hazard of %(school)s in the ledger")
                % {"code": hazard.code, "school": hazard.school.name}
            )
            return
        changes = self.changes_of(hazard, values)
        closed_on = row.data.get("closed_on")
        if closed_on and hazard.closed_at and local_date(hazard.closed_at) != closed_on:
            changes["closed_at"] = day_start(closed_on)
        if status != hazard.status:
            if status == HazardStatus.CLOSED and closed_on and hazard.is_open:
                changes.update(status=HazardStatus.CLOSED, closed_at=day_start(closed_on))
            elif row.data.get("status") or closed_on:
                row.problem(
                    _(
                        "%(code)s is “%(status)s” in the ledger; an import only closes a hazard, take other steps in the product"
                    )
                    % {"code": hazard.code, "status": hazard.get_status_display()}
                )
        if changes and not hazard.is_open:
            row.problem(
                _("%(code)s is closed or rejected in the ledger; an import does not change it")
                % {"code": hazard.code}
            )
        if hazard.supervised and changes.get("level", HazardLevel.MAJOR) != HazardLevel.MAJOR:
            row.problem(
                _("%(code)s is under supervision and must stay major") % {"code": hazard.code}
            )
        row.changes = changes

    # ---- saving ---------------------------------------------------------------------------

    def write(self, plan: Plan) -> ImportResult:
        """One transaction: the numbers reserved, the new hazards inserted in batches with
        their `imported` events and change-log rows, the updated ones through
        `guarded_update` with their events."""
        result = ImportResult()
        with transaction.atomic():
            new = [row for row in plan.rows if row.action == "new"]
            self._allocate_codes(new)
            hazards = [self._new_hazard(row) for row in new]
            Hazard.objects.bulk_create(hazards, batch_size=BATCH)
            counts.add_many(hazards)
            events = [self._event(h, "", row) for h, row in zip(hazards, new, strict=True)]
            HazardEvent.objects.bulk_create(events, batch_size=BATCH)
            entries = [change_entry(h, self.user, ChangeAction.IMPORT) for h in hazards]
            ChangeLog.objects.bulk_create([e for e in entries if e], batch_size=BATCH)
            for row in plan.rows:
                if row.action == "update":
                    self._apply_update(row)
        result.created = len(new)
        result.updated = plan.count("update")
        result.unchanged = plan.count("unchanged")
        return result

    def _allocate_codes(self, rows: list[Row]) -> None:
        """Kept codes move the counter past them; the others take the next numbers."""
        kept: dict[int, int] = defaultdict(int)
        for row in rows:
            match = CODE_PATTERN.match((row.data.get("code") or "").upper())
            if match:
                year = int(match.group(1))
                kept[year] = max(kept[year], int(match.group(2)))
        wanting: dict[int, list[Row]] = defaultdict(list)
        for row in rows:
            if not row.data.get("code"):
                wanting[row.data["found_on"].year].append(row)
        for year in sorted(set(kept) | set(wanting)):
            numbers = HazardCounter.reserve(self.bureau.pk, year, len(wanting[year]), kept[year])
            for row, number in zip(wanting[year], numbers, strict=True):
                row.data["code"] = f"YH-{year}-{number:04d}"

    def _new_hazard(self, row: Row) -> Hazard:
        data, status = row.data, row.extra["status"]
        closed = data.get("closed_on") if status == HazardStatus.CLOSED else None
        return Hazard(
            bureau_id=self.bureau.pk,
            code=data["code"].upper(),
            school_id=row.extra["school"].pk,
            area_id=row.extra["area"].pk,
            level=data["level"],
            source=data["source"],
            description=data["description"],
            location=data.get("location") or "",
            found_on=data["found_on"],
            reported_by_id=self.user.pk,
            status=status,
            opinion=data.get("opinion") or "",
            responsible_person=data.get("responsible_person") or "",
            deadline=data.get("deadline"),
            measures=data.get("measures") or "",
            cost=data.get("cost"),
            interim_control=data.get("interim_control") or "",
            closed_at=day_start(closed) if closed else None,
        )

    def _event(self, hazard: Hazard, from_status: str, row: Row, **data: Any) -> HazardEvent:
        return HazardEvent(
            hazard=hazard,
            actor_id=self.user.pk,
            kind=EventKind.IMPORTED,
            from_status=from_status,
            to_status=hazard.status,
            data={"file": self.filename, "row": row.number, **data},
        )

    def _apply_update(self, row: Row) -> None:
        hazard: Hazard = row.existing
        from_status, counted = hazard.status, counts.key_of(hazard)
        before = {k: _plain(getattr(hazard, k)) for k in row.changes}
        guarded_update(
            hazard,
            row.changes,
            user=self.user,
            expect={"status": from_status},
            action=ChangeAction.IMPORT,
        )
        counts.move(hazard.bureau_id, counted, counts.key_of(hazard))
        after = {k: _plain(v) for k, v in row.changes.items()}
        self._event(hazard, from_status, row, before=before, after=after).save()


def _plain(value: Any) -> Any:
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if value is not None and not isinstance(value, str | int | bool):
        return str(value)
    return value
