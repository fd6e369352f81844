"""Import the school registry from Excel: all rows or none, every bad row reported."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoan.accounts.choices import Role
from xiaoan.core.changelog import change_entry, snapshot
from xiaoan.core.excel import RowError, read_rows
from xiaoan.core.models import ChangeAction, ChangeLog

from .choices import SchoolKind
from .models import Bureau, School

# Header text (Chinese or English, as exported) → field name.
HEADERS = {
    "代码": "code",
    "学校代码": "code",
    "Code": "code",
    "code": "code",
    "名称": "name",
    "学校名称": "name",
    "Name": "name",
    "name": "name",
    "类型": "kind",
    "Kind": "kind",
    "kind": "kind",
    "地址": "address",
    "Address": "address",
    "校长": "principal",
    "Principal": "principal",
    "电话": "phone",
    "Phone": "phone",
    "在校人数": "enrolment",
    "Enrolment": "enrolment",
    "寄宿": "boarding",
    "Boarding": "boarding",
    "民办": "private",
    "Private": "private",
}
TRUE_WORDS = {"是", "yes", "y", "true", "1", "有"}
FALSE_WORDS = {"否", "no", "n", "false", "0", "无", ""}


class ImportFailed(Exception):
    """The file had bad rows; nothing was saved."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    codes: list[str] = field(default_factory=list)
    accounts: list[dict[str, str]] = field(default_factory=list)  # opened, with passwords


def _kind_lookup() -> dict[str, str]:
    from django.utils import translation

    lookup: dict[str, str] = {}
    for kind in SchoolKind:
        lookup[kind.value] = kind.value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                lookup[str(kind.label)] = kind.value
    lookup.update(
        {
            "幼儿园": "kindergarten",
            "托幼机构": "kindergarten",
            "民工子弟学校": "migrant",
            "小学": "primary",
            "初中": "junior",
            "高中": "senior",
            "职高": "vocational",
            "九年一贯制": "nine_year",
        }
    )
    return lookup


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_row(values: dict[str, Any], kinds: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    problems: list[str] = []
    data: dict[str, Any] = {
        f: _text(values.get(f)) for f in ("code", "name", "address", "principal", "phone")
    }
    data["code"] = data["code"].upper()
    if not data["code"]:
        problems.append(_("the code is missing"))
    if not data["name"]:
        problems.append(_("the name is missing"))
    kind_text = _text(values.get("kind"))
    data["kind"] = kinds.get(kind_text)
    if data["kind"] is None:
        problems.append(_("unknown kind “%(kind)s”") % {"kind": kind_text})
    enrolment = _text(values.get("enrolment")) or "0"
    if enrolment.isdigit():
        data["enrolment"] = int(enrolment)
    else:
        problems.append(_("enrolment “%(value)s” is not a whole number") % {"value": enrolment})
    for name in ("boarding", "private"):
        word = _text(values.get(name)).lower()
        if word in TRUE_WORDS:
            data[name] = True
        elif word in FALSE_WORDS:
            data[name] = False
        else:
            problems.append(_("“%(value)s” is not yes/no (是/否)") % {"value": word})
    return data, problems


def import_schools(
    data: bytes, bureau: Bureau, user: Any = None, open_accounts: bool = False
) -> ImportResult:
    """Validate every row first; save all of them in one transaction only if none is bad."""
    rows = read_rows(data, HEADERS)
    kinds = _kind_lookup()
    errors: list[RowError] = []
    parsed: list[dict[str, Any]] = []
    seen_codes: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    existing = {s.name: s.code for s in School.objects.filter(bureau=bureau)}
    for number, values in rows:
        record, problems = _parse_row(values, kinds)
        code, name = record["code"], record["name"]
        if code and code in seen_codes:
            problems.append(
                _("code %(code)s repeats row %(row)s") % {"code": code, "row": seen_codes[code]}
            )
        if name and name in seen_names:
            problems.append(_("name repeats row %(row)s") % {"row": seen_names[name]})
        if name and existing.get(name, code) != code:
            problems.append(
                _("another school (%(code)s) already has this name") % {"code": existing[name]}
            )
        seen_codes.setdefault(code, number)
        seen_names.setdefault(name, number)
        errors.extend(RowError(number, p) for p in problems)
        parsed.append(record)
    if open_accounts:
        errors += _account_clashes(rows, parsed, bureau)
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: e.row))
    return _save(parsed, bureau, user, open_accounts)


def _account_clashes(
    rows: list[tuple[int, dict[str, Any]]], parsed: list[dict[str, Any]], bureau: Bureau
) -> list[RowError]:
    """A school that will get an account whose default login another user already has."""
    from django.contrib.auth import get_user_model

    have_admin = set(
        School.objects.filter(bureau=bureau, memberships__role=Role.SCHOOL_ADMIN).values_list(
            "code", flat=True
        )
    )
    wanted = {
        School(code=r["code"]).admin_username(): (number, r["code"])
        for (number, _values), r in zip(rows, parsed, strict=True)
        if r["code"] and r["code"] not in have_admin
    }
    taken = get_user_model().objects.filter(username__in=wanted).values_list("username", flat=True)
    return [
        RowError(
            wanted[name][0],
            _("the login %(login)s of its administrator account is taken") % {"login": name},
        )
        for name in taken
    ]


def _save(
    records: list[dict[str, Any]], bureau: Bureau, user: Any, open_accounts: bool = False
) -> ImportResult:
    """All rows in one short transaction: one query reads the bureau's schools, then the new
    ones are inserted and the changed ones updated in bulk, each with its change-log row (as
    imported), so a 10,000-row registry does not hold the database for seconds."""
    result = ImportResult()
    with transaction.atomic():
        existing = {s.code: s for s in School.objects.filter(bureau=bureau)}
        new, changed, entries = [], [], []
        for record in records:
            code = record.pop("code")
            result.codes.append(code)
            school = existing.get(code)
            if school is None:
                new.append(School(bureau=bureau, code=code, **record))
                continue
            before = snapshot(school)
            for name, value in record.items():
                setattr(school, name, value)
            if snapshot(school) != before:
                school.version += 1
                changed.append(school)
                entries.append(change_entry(school, user, ChangeAction.IMPORT, before))
        School.objects.bulk_create(new, batch_size=500)
        fields = sorted({name for record in records for name in record} | {"version", "updated_at"})
        now = timezone.now()
        for school in changed:
            school.updated_at = now
        School.objects.bulk_update(changed, fields, batch_size=500)
        created = School.objects.filter(bureau=bureau, code__in=[s.code for s in new])
        entries += [change_entry(s, user, ChangeAction.IMPORT) for s in created]
        ChangeLog.objects.bulk_create([e for e in entries if e is not None], batch_size=500)
        if open_accounts:
            result.accounts = _open_accounts(bureau, result.codes, user)
    result.created = len(new)
    result.updated = len(records) - len(new)
    return result


def _open_accounts(bureau: Bureau, codes: list[str], user: Any) -> list[dict[str, str]]:
    """The safety administrator account of every imported school that has none."""
    schools = School.objects.filter(bureau=bureau, code__in=codes).exclude(
        memberships__role=Role.SCHOOL_ADMIN
    )
    return [school.open_admin_account(user) for school in schools.order_by("code")]
