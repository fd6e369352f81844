"""One import machinery for every Excel import: columns, cell rules, the check of every row,
the preview, the file kept between upload and confirm, and the bulk write with its history.

An import is a subclass of `Importer` in its own app (the hazard ledger in `hazards.imports`,
the registers in `registers.imports`, the school registry in `schools.importer`): it names its
columns, how a row finds the record it updates (`resolve`), and how the checked rows are saved
(`write`). Everything else is here, once:

- `Importer.check(data)` reads the first sheet (`core.excel.read_rows`: header row found by
  the column names, at most MAX_IMPORT_ROWS rows and MAX_IMPORT_COLUMNS columns), parses every
  cell (`Column.parse`), resolves every row, finds rows that repeat one another, and raises
  `ImportFailed` with every bad row's number and reason — or returns the `Plan`: each row new,
  update or unchanged. Nothing is written by a check.
- `stash` / `pending` / `discard` keep the uploaded file in the default storage between the
  upload and the confirmation (the session names it, with the summary the preview shows), so
  the file is not sent twice and not read a third time for the preview.
- `upload_page` and `preview_page` are the two pages every import shows.
- `bulk_write` is the documented bulk path: inserts (`core.bulk.insert_rows`) and updates in
  batches inside the caller's transaction, each record with its change-log row (action
  `import`).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
)
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill

from .bulk import BATCH, insert_rows
from .changelog import change_entry, snapshot
from .errors import Invalid
from .excel import ExcelError, RowError, append_row, read_rows
from .forms import BootstrapMixin
from .models import ChangeAction, ChangeLog

PREVIEW_ROWS = 20
# An uploaded file waits this long for its confirmation; older ones are removed.
PENDING_HOURS = 24
PENDING_DIR = "imports"
# The copies large imports keep for their background job (removed when it has run).
JOBS_INPUT_DIR = "jobs/input"


class ImportFailed(Exception):
    """The file had bad rows; nothing was saved. `errors` lists each with its row number."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


class CellProblem(ValueError):
    """A cell's value is unusable; the message is for the user (without the row number)."""


# ---- cells ---------------------------------------------------------------------------------

TRUE_WORDS = {"是", "yes", "y", "true", "1", "有", "√", "✓"}
FALSE_WORDS = {"否", "no", "n", "false", "0", "无", "×", ""}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
FIRST_DAY, LAST_DAY = datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)
_DATE_SHAPE = re.compile(r"^(\d{4})\D{1,2}(\d{1,2})\D{1,2}(\d{1,2})\D?$")


def cell_text(value: Any) -> str:
    """A cell as text: whole numbers without ".0", dates as ISO, surrounding spaces cut."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


# How Excel writes a control character into its file (`_x0007_`); read back, it is the same.
# Tab, line feed and carriage return (_x0009_, _x000A_, _x000D_) are ordinary text.
_EXCEL_ESCAPED_CONTROL = re.compile(r"_x00(?:0[0-8BbCcEeFf]|1[0-9A-Fa-f]|7[Ff])_")


def _control_characters(text: str, multiline: bool) -> bool:
    allowed = {"\n", "\r", "\t"} if multiline else {"\t"}
    if _EXCEL_ESCAPED_CONTROL.search(text):
        return True
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text)


def parse_text(value: Any, *, max_length: int | None, multiline: bool = False) -> str:
    text = cell_text(value)
    if _control_characters(text, multiline):
        raise CellProblem(_("contains control characters (invisible characters); retype it"))
    if not multiline:
        text = " ".join(text.split())  # a line break typed in a cell becomes a space
    if max_length is not None and len(text) > max_length:
        raise CellProblem(
            _("is %(length)s characters long; at most %(max)s are allowed")
            % {"length": len(text), "max": max_length}
        )
    return text


def parse_date(value: Any) -> datetime.date | None:
    if value is None or cell_text(value) == "":
        return None
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    else:
        day = _date_from_text(cell_text(value))
    if not FIRST_DAY <= day <= LAST_DAY:
        raise CellProblem(_("“%(value)s” is not a date between 1900 and 2100") % {"value": day})
    return day


def _date_from_text(text: str) -> datetime.date:
    match = _DATE_SHAPE.match(text)
    if match is None and len(text) == 8 and text.isdigit():
        match = re.match(r"^(\d{4})(\d{2})(\d{2})$", text)
    if match is None:
        raise CellProblem(_("“%(value)s” is not a date (write it as 2014-09-01)") % {"value": text})
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError as exc:
        raise CellProblem(_("“%(value)s” is not a real date") % {"value": text}) from exc


def parse_integer(value: Any, *, minimum: int = 0, maximum: int | None = None) -> int | None:
    text = cell_text(value)
    if text == "":
        return None
    if not re.fullmatch(r"-?\d+", text):
        raise CellProblem(_("“%(value)s” is not a whole number") % {"value": text})
    number = int(text)
    if number < minimum or (maximum is not None and number > maximum):
        raise CellProblem(
            _("%(value)s is outside %(min)s–%(max)s")
            % {"value": number, "min": minimum, "max": maximum if maximum is not None else "…"}
        )
    return number


def parse_decimal(value: Any, *, places: int = 2, digits: int = 12) -> Decimal | None:
    text = cell_text(value).replace(",", "").replace("，", "")
    if text == "":
        return None
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise CellProblem(_("“%(value)s” is not a number") % {"value": text}) from exc
    if not number.is_finite() or number < 0:
        raise CellProblem(_("“%(value)s” is not a number of 0 or more") % {"value": text})
    number = number.quantize(Decimal(1).scaleb(-places))
    if len(number.as_tuple().digits) > digits:
        raise CellProblem(_("“%(value)s” is too large") % {"value": text})
    return number


def parse_bool(value: Any, empty: bool | None = None) -> bool | None:
    word = cell_text(value).lower()
    if word == "":
        return empty
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellProblem(_("“%(value)s” is not yes/no (是/否)") % {"value": word})


Choices = type[models.TextChoices] | Sequence[tuple[Any, Any]]


def choice_lookup(choices: Choices, **extra: str) -> dict[str, str]:
    """Every way a bureau writes a choice → its value: the value, the Chinese and the
    English label, and `extra` spellings. `choices` is a TextChoices class or a field's
    (value, label) pairs."""
    pairs = list(getattr(choices, "choices", choices))
    lookup = {str(value): str(value) for value, _label in pairs}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            lookup.update({str(label): str(value) for value, label in pairs})
    lookup.update(extra)
    return {key.strip().lower(): value for key, value in lookup.items()}


# ---- columns -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of an import: the field it fills, its Chinese header (the template's) and the
    other headers accepted (the English one, the export's), how a cell is read, and the note
    and example the template shows."""

    field: str
    header: str
    parse: Callable[[Any], Any]
    note: Any = ""
    example: Any = ""
    required: bool = False
    aliases: tuple[str, ...] = ()

    def headers(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


def text_column(
    name: str,
    header: str,
    max_length: int | None,
    *,
    multiline: bool = False,
    checks: tuple[Callable[[str], None], ...] = (),
    **kwargs: Any,
) -> Column:
    """`checks`: the field's own validators (a phone number's rule), said as the form says."""

    def parse(value: Any) -> str:
        text = parse_text(value, max_length=max_length, multiline=multiline)
        for check in checks if text else ():
            try:
                check(text)
            except forms.ValidationError as error:
                raise CellProblem(" ".join(error.messages)) from error
        return text

    return Column(name, header, parse, **kwargs)


def date_column(name: str, header: str, **kwargs: Any) -> Column:
    return Column(name, header, parse_date, **kwargs)


def integer_column(
    name: str, header: str, *, minimum: int = 0, maximum: int | None = None, **kwargs: Any
) -> Column:
    return Column(
        name, header, lambda v: parse_integer(v, minimum=minimum, maximum=maximum), **kwargs
    )


def decimal_column(name: str, header: str, **kwargs: Any) -> Column:
    return Column(name, header, parse_decimal, **kwargs)


def bool_column(name: str, header: str, empty: bool | None = None, **kwargs: Any) -> Column:
    """`empty`: what an empty cell, or a sheet without the column, means (None: not said)."""
    return Column(name, header, lambda value: parse_bool(value, empty), **kwargs)


def choice_column(
    name: str,
    header: str,
    choices: Choices,
    extra: dict[str, str] | None = None,
    **kwargs: Any,
) -> Column:
    lookup_cache: dict[str, dict[str, str]] = {}

    def parse(value: Any) -> str | None:
        text = cell_text(value)
        if text == "":
            return None
        if "all" not in lookup_cache:  # built on first use: the catalogues are loaded by then
            lookup_cache["all"] = choice_lookup(choices, **(extra or {}))
        lookup = lookup_cache["all"]
        if text.lower() not in lookup:
            raise CellProblem(_("“%(value)s” is not one of the choices") % {"value": text})
        return lookup[text.lower()]

    return Column(name, header, parse, **kwargs)


# Checked by `parse_text` already, in the import's own words.
LENGTH_AND_NUL = (MaxLengthValidator, ProhibitNullCharactersValidator)

REQUIRED_NOTE = gettext_lazy("Required.")
OPTIONAL_NOTE = gettext_lazy("Optional.")
EMPTY_IS_YES = gettext_lazy("是 or 否; empty: 是.")
EMPTY_IS_NO = gettext_lazy("是 or 否; empty: 否.")


def field_column(
    model: type[models.Model],
    name: str,
    header: str,
    *aliases: str,
    note: Any = None,
    example: Any = "",
    extra: dict[str, str] | None = None,
    keep_empty: bool = False,
) -> Column:
    """The column that fills the model's field `name`, read as the field is declared: text up
    to its length (line breaks kept for a TextField), a date, a whole number within its
    validators' bounds, an amount with its places, yes/no, or one of its choices (with `extra`
    spellings). It is required where the field must be filled (not blank, no default); the
    template's note says so unless `note` says more. `aliases`: other headers accepted. An empty
    yes/no cell (or no such column) is the field's default, or None with `keep_empty` (the
    importer then keeps the record's value)."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    required = not field.blank and not field.has_default()
    if note is None:
        note = REQUIRED_NOTE if required else OPTIONAL_NOTE
        if isinstance(field, models.BooleanField):
            note = EMPTY_IS_YES if field.get_default() else EMPTY_IS_NO
    kwargs: dict[str, Any] = {
        "required": required,
        "aliases": aliases,
        "note": note,
        "example": example,
    }
    if field.choices:
        return choice_column(name, header, list(field.choices), extra, **kwargs)
    if isinstance(field, models.BooleanField):
        empty = None if keep_empty else field.get_default()
        return bool_column(name, header, empty=empty, **kwargs)
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        return date_column(name, header, **kwargs)
    if isinstance(field, models.IntegerField):
        lows = [v.limit_value for v in field.validators if isinstance(v, MinValueValidator)]
        highs = [v.limit_value for v in field.validators if isinstance(v, MaxValueValidator)]
        return integer_column(
            name,
            header,
            minimum=max([0, *lows]),  # type: ignore[type-var]
            maximum=min(highs) if highs else None,  # type: ignore[type-var]
            **kwargs,
        )
    if isinstance(field, models.DecimalField):
        places, digits = field.decimal_places, field.max_digits

        def amount(value: Any) -> Decimal | None:
            return parse_decimal(value, places=places, digits=digits)

        return Column(name, header, amount, **kwargs)
    if isinstance(field, models.CharField | models.TextField):
        multiline = isinstance(field, models.TextField)
        checks = tuple(v for v in field.validators if not isinstance(v, LENGTH_AND_NUL))
        return text_column(
            name, header, field.max_length, multiline=multiline, checks=checks, **kwargs
        )
    raise TypeError(f"no import column for {model.__name__}.{name} ({type(field).__name__})")


# ---- rows and the plan ---------------------------------------------------------------------

NEW, UPDATE, UNCHANGED = "new", "update", "unchanged"


@dataclass
class Row:
    """One data row of the file: its number in the sheet, the raw cells, the parsed values,
    the record it updates (if any), the changes, and what is wrong with it."""

    number: int
    cells: dict[str, Any]
    data: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    key: Any = None  # what makes the row the same as another (None: never the same)
    existing: Any = None  # the record it updates
    changes: dict[str, Any] = field(default_factory=dict)  # field → new value, for an update
    extra: dict[str, Any] = field(default_factory=dict)  # what `resolve` found (a school…)

    @property
    def action(self) -> str:
        if self.existing is None:
            return NEW
        return UPDATE if self.changes else UNCHANGED

    def problem(self, message: str) -> None:
        self.problems.append(message)


@dataclass
class Plan:
    """A checked file: every row good, each new, update or unchanged."""

    importer: Importer
    rows: list[Row]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {action: self.count(action) for action in (NEW, UPDATE, UNCHANGED)}

    def summary(self, limit: int = PREVIEW_ROWS) -> dict[str, Any]:
        """What the preview shows (plain data, kept in the session with the file): the counts
        and the first rows — number, action, cells, the headers of the fields an update
        changes."""
        labels = {c.field: c.header for c in self.importer.columns}
        rows = [
            {
                "number": row.number,
                "action": row.action,
                "cells": [cell_text(row.cells.get(c.field))[:100] for c in self.importer.columns],
                "changed": [labels.get(name, name) for name in row.changes],
            }
            for row in self.rows[:limit]
        ]
        return {
            "counts": self.counts,
            "total": len(self.rows),
            "rows": rows,
            "notes": [str(note) for note in self.importer.notes(self)],
        }


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def message(self) -> str:
        return _(
            "Import done: %(created)s added, %(updated)s updated, %(unchanged)s unchanged."
        ) % {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


class Importer:
    """One kind of Excel import. Subclasses set `slug`, `title`, `columns`, and write
    `check_user`, `resolve` and `write`; `load` may read what every row needs in a few queries.

    An import that asks something with the file (the school registry: open the schools'
    accounts?) names its `upload_form` (an `UploadForm` with more fields): what is answered
    comes to the importer as `options`, is kept with the waiting file, and is the same when
    the import is confirmed. `notes` adds lines to the preview, `finish` says what follows."""

    slug: ClassVar[str]
    title: ClassVar[Any]
    columns: ClassVar[tuple[Column, ...]]
    # Columns of which one is enough (the school by code or by name): checked together.
    either: ClassVar[tuple[tuple[str, ...], ...]] = ()
    upload_form: ClassVar[type[forms.Form] | None] = None  # None: `UploadForm`
    # The pages name the class (`importer.title`): a template must not call it.
    do_not_call_in_templates: ClassVar[bool] = True
    # Every import by its slug: a background job names the one it runs.
    by_slug: ClassVar[dict[str, type[Importer]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "slug" in cls.__dict__:
            Importer.by_slug[cls.slug] = cls

    def __init__(
        self, user: Any, filename: str = "", options: dict[str, Any] | None = None
    ) -> None:
        self.user = user
        self.filename = filename
        self.options = dict(options or {})
        self.check_user()

    # -- to write in each import --

    def check_user(self) -> None:
        """Raise `core.errors.NotAllowed` unless the user may run this import."""
        raise NotImplementedError

    def load(self, rows: list[Row]) -> None:
        """Read what resolving the rows needs, in a few queries (before `resolve` runs)."""

    def resolve(self, row: Row) -> None:
        """Check the row against the database and the other columns; set `row.key`,
        `row.existing` and `row.changes`; add problems with `row.problem`."""
        raise NotImplementedError

    def write(self, plan: Plan) -> ImportResult:
        """Save the plan's rows in one transaction (through the model's write paths or
        `bulk_write`)."""
        raise NotImplementedError

    def notes(self, plan: Plan) -> list[str]:
        """What the preview says besides the counts and rows (e.g. the accounts it opens)."""
        return []

    def finish(self, request: HttpRequest, result: ImportResult, pages: Pages) -> HttpResponse:
        """After the write: say what was done, and go where the work goes on."""
        messages.success(request, result.message())
        return redirect(pages.done)

    def finish_in_background(self, result: ImportResult) -> Any:
        """After the write in a background job: its `core.jobs.Output` (message, file)."""
        from .jobs import Output

        return Output(result.message())

    # -- the same for every import --

    def header_aliases(self) -> dict[str, str]:
        return {header: c.field for c in self.columns for header in c.headers()}

    def check(self, data: bytes) -> Plan:
        """Every row parsed and resolved; `ImportFailed` with every bad row, or the plan."""
        records = read_rows(data, self.header_aliases())
        self._check_columns(set(records[0][1]))
        rows = [self._parse(number, cells) for number, cells in records]
        self.load(rows)
        seen: dict[Any, int] = {}
        for row in rows:
            self.resolve(row)
            if row.key is None:
                continue
            if row.key in seen:
                row.problem(_("repeats row %(row)s of this file") % {"row": seen[row.key]})
            else:
                seen[row.key] = row.number
        errors = [RowError(row.number, message) for row in rows for message in row.problems]
        if errors:
            raise ImportFailed(errors)
        return Plan(self, rows)

    def _check_columns(self, found: set[str]) -> None:
        missing = [c.header for c in self.columns if c.required and c.field not in found]
        missing += [
            " / ".join(self._header(name) for name in group)
            for group in self.either
            if not found & set(group)
        ]
        if missing:
            raise ExcelError(
                _("The sheet has no column %(columns)s; use the template's column names.")
                % {"columns": "、".join(f"“{m}”" for m in missing)}
            )

    def _header(self, name: str) -> str:
        return next(c.header for c in self.columns if c.field == name)

    def _parse(self, number: int, cells: dict[str, Any]) -> Row:
        row = Row(number, cells)
        for column in self.columns:
            try:
                value = column.parse(cells.get(column.field))
            except CellProblem as problem:
                row.problem(f"{column.header}：{problem}")
                row.data[column.field] = None
                continue
            if column.required and value in (None, ""):
                row.problem(_("%(column)s is missing") % {"column": column.header})
            row.data[column.field] = value
        return row

    def changes_of(self, record: Any, values: dict[str, Any]) -> dict[str, Any]:
        """The values that differ from the record's (its foreign keys compared by id)."""
        changed = {}
        for name, value in values.items():
            current = getattr(record, name)
            if isinstance(value, models.Model) or isinstance(current, models.Model):
                same = getattr(current, "pk", current) == getattr(value, "pk", value)
            else:
                same = current == value
            if not same:
                changed[name] = value
        return changed


# ---- the documented bulk path ----------------------------------------------------------------


def bulk_write(
    model: type[models.Model],
    new: Sequence[models.Model],
    updates: Iterable[tuple[models.Model, dict[str, Any]]],
    user: Any,
) -> None:
    """Insert `new` and apply `updates` ((record, {field: value})) in batches, each record
    with its change-log row (action `import`: who, from where, before and after), inside the
    caller's transaction. Versioned records get their version raised, like a save."""
    now = timezone.now()
    insert_rows(model, new, returning_ids=True)
    entries = [change_entry(record, user, ChangeAction.IMPORT) for record in new]
    changed: list[models.Model] = []
    fields: set[str] = set()
    for record, values in updates:
        before = snapshot(record)
        for name, value in values.items():
            setattr(record, name, value)
        if hasattr(record, "version"):
            record.version += 1
            fields.add("version")
        if hasattr(record, "updated_at"):
            record.updated_at = now
            fields.add("updated_at")
        fields.update(values)
        changed.append(record)
        entries.append(change_entry(record, user, ChangeAction.IMPORT, before))
    if changed:
        model._default_manager.bulk_update(changed, sorted(fields), batch_size=BATCH)
    insert_rows(ChangeLog, [e for e in entries if e is not None])


# ---- the template ----------------------------------------------------------------------------

_NOTE_FILL = PatternFill("solid", fgColor="FFF2CC")


def template_workbook(importer: type[Importer]) -> Workbook:
    """The file a bureau fills in: the Chinese headers, one example row, each column's note on
    its header and on a second sheet (填写说明) with whether it is required."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "导入模板"
    headers = [c.header for c in importer.columns]
    append_row(ws, headers)
    for cell, column in zip(ws[1], importer.columns, strict=True):
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        if column.note:
            cell.comment = Comment(str(column.note), "校安")
    append_row(ws, [c.example for c in importer.columns])
    for index, column in enumerate(importer.columns, start=1):
        letter = ws.cell(row=1, column=index).column_letter
        ws.column_dimensions[letter].width = min(max(len(column.header) * 2 + 4, 12), 40)
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("填写说明")
    append_row(notes, [_("Column"), _("Required"), _("How to fill it in")])
    for cell in notes[1]:
        cell.font = Font(bold=True)
        cell.fill = _NOTE_FILL
    for column in importer.columns:
        append_row(notes, [column.header, _("Yes") if column.required else "", str(column.note)])
    append_row(notes, [])
    append_row(notes, [_("Only the first sheet is read. Delete the example row before importing.")])
    notes.column_dimensions["A"].width = 20
    notes.column_dimensions["B"].width = 8
    notes.column_dimensions["C"].width = 90
    for row in notes.iter_rows(min_row=2):
        row[-1].alignment = Alignment(wrap_text=True, vertical="top")
    return wb


# ---- the file between upload and confirmation ----------------------------------------------

_SESSION_KEY = "pending_imports"


def stash(
    request: HttpRequest,
    slug: str,
    data: bytes,
    filename: str,
    summary: dict[str, Any],
    options: dict[str, Any] | None = None,
) -> None:
    """Keep the uploaded file until it is confirmed or cancelled (one per import and session),
    with the summary its check made (counts and first rows), which the preview shows, and the
    options asked with it (plain values)."""
    discard(request, slug)
    _sweep()
    path = default_storage.save(f"{PENDING_DIR}/{uuid.uuid4().hex}.xlsx", ContentFile(data))
    pending_files = dict(request.session.get(_SESSION_KEY, {}))
    pending_files[slug] = {
        "path": path,
        "name": filename[:200],
        "summary": summary,
        "options": dict(options or {}),
    }
    request.session[_SESSION_KEY] = pending_files


def pending(request: HttpRequest, slug: str) -> dict[str, Any] | None:
    """The waiting file: its `path` in the storage, `name` as uploaded, and `summary`."""
    entry = request.session.get(_SESSION_KEY, {}).get(slug)
    if not entry or not default_storage.exists(entry["path"]):
        return None
    return dict(entry)


def pending_content(entry: dict[str, Any]) -> bytes:
    with default_storage.open(entry["path"], "rb") as handle:
        return bytes(handle.read())


def discard(request: HttpRequest, slug: str) -> None:
    pending_files = dict(request.session.get(_SESSION_KEY, {}))
    entry = pending_files.pop(slug, None)
    if entry:
        default_storage.delete(entry["path"])
        request.session[_SESSION_KEY] = pending_files


def _sweep() -> None:
    """Remove files left waiting longer than PENDING_HOURS (a preview never confirmed)."""
    try:
        _dirs, files = default_storage.listdir(PENDING_DIR)
    except (FileNotFoundError, NotImplementedError):
        return
    limit = timezone.now() - datetime.timedelta(hours=PENDING_HOURS)
    for name in files:
        path = f"{PENDING_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue


# ---- the two pages ---------------------------------------------------------------------------


class UploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        help_text=gettext_lazy("Fill in the template; the first sheet is read."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(gettext_lazy("The file is too large."))
        if upload.size == 0:
            raise forms.ValidationError(gettext_lazy("The file is empty."))
        return upload


@dataclass(frozen=True)
class Pages:
    """Where an import's pages are: its upload page, preview page, template and the list the
    imported rows land in."""

    upload: str
    preview: str
    template: str
    done: str


def upload_page(
    request: HttpRequest, importer: type[Importer], pages: Pages, intro: str = ""
) -> HttpResponse:
    """Upload: the file is checked whole; bad rows are listed and nothing is kept; a good file
    is kept server-side with its summary and the user is sent to its preview."""
    importer(request.user)  # the role is checked before a file is read
    form = (importer.upload_form or UploadForm)(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        options = {k: v for k, v in form.cleaned_data.items() if k != "file"}
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            plan = importer(request.user, upload.name, options).check(data)
        except ExcelError as exc:
            form.add_error("file", str(exc))
        except ImportFailed as exc:
            errors = exc.errors
        else:
            stash(request, importer.slug, data, upload.name, plan.summary(), options)
            return redirect(pages.preview)
    return _upload_form(request, importer, pages, form, errors)


def _upload_form(
    request: HttpRequest, importer: type[Importer], pages: Pages, form: Any, errors: list[Any]
) -> HttpResponse:
    context = {"importer": importer, "form": form, "row_errors": errors, "pages": pages}
    return render(request, "imports/upload.html", context)


def preview_page(request: HttpRequest, importer: type[Importer], pages: Pages) -> HttpResponse:
    """Preview (GET) what the waiting file will create and update, as its check found; confirm
    (POST) checks it again against the database as it is now and saves it; cancel forgets it."""
    importer(request.user)
    waiting = pending(request, importer.slug)
    if waiting is None:
        messages.info(request, _("Choose a file to import first."))
        return redirect(pages.upload)
    if request.method == "POST" and "cancel" in request.POST:
        discard(request, importer.slug)
        messages.info(request, _("Import cancelled; nothing was saved."))
        return redirect(pages.upload)
    if request.method != "POST":
        context = {
            "importer": importer,
            "pages": pages,
            "filename": waiting["name"],
            "headers": [c.header for c in importer.columns],
            **waiting["summary"],
        }
        return render(request, "imports/preview.html", context)
    options = waiting.get("options", {})
    if waiting["summary"]["total"] > settings.BACKGROUND_IMPORT_ROWS:
        return redirect(_start_in_background(request, importer, waiting))
    run = importer(request.user, waiting["name"], options)
    try:
        plan = run.check(pending_content(waiting))
    except (ExcelError, ImportFailed) as exc:
        discard(request, importer.slug)
        errors = exc.errors if isinstance(exc, ImportFailed) else [str(exc)]
        form = (importer.upload_form or UploadForm)(initial=options)
        return _upload_form(request, importer, pages, form, errors)
    result = run.write(plan)
    discard(request, importer.slug)
    return run.finish(request, result, pages)


def _start_in_background(request: HttpRequest, importer: type[Importer], waiting: dict) -> Any:
    """A large file is checked again and saved by a worker: the job keeps its own copy (the
    waiting file is swept after a while), and the user follows it on the job's page."""
    from . import jobs

    source = default_storage.save(
        f"{JOBS_INPUT_DIR}/{uuid.uuid4().hex}.xlsx", ContentFile(pending_content(waiting))
    )
    discard(request, importer.slug)
    title = _("Import of %(file)s (%(what)s)") % {"file": waiting["name"], "what": importer.title}
    params = {
        "importer": importer.slug,
        "source": source,
        "name": waiting["name"],
        "options": waiting.get("options", {}),
    }
    return jobs.start(request.user, "xiaoan.core.imports.import_job", title, params)


def import_job(job: Any, progress: Callable[[int, str], None]) -> Any:
    """The background job of a large import: the file checked against the database as it is
    now, then saved in one transaction, as the preview's confirmation does in a request."""
    params = job.params
    try:
        run = Importer.by_slug[params["importer"]](job.user, params["name"], params["options"])
        progress(5, _("Checking the rows"))
        with default_storage.open(params["source"], "rb") as handle:
            data = bytes(handle.read())
        try:
            plan = run.check(data)
        except ImportFailed as failed:
            raise Invalid(
                _("Nothing was saved: the file has rows to correct.")
                + " "
                + "；".join(str(e) for e in failed.errors[:20])
            ) from failed
        except ExcelError as error:
            raise Invalid(str(error)) from error
        progress(50, _("Saving %(count)s rows") % {"count": len(plan.rows)})
        result = run.write(plan)
        return run.finish_in_background(result)
    finally:
        default_storage.delete(params["source"])


def template_response(importer: type[Importer]) -> HttpResponse:
    """The template as a download, in Chinese whatever the user's language (headers and notes
    are what the bureau's clerks read)."""
    from .excel import workbook_response

    with translation.override("zh-hans"):
        workbook = template_workbook(importer)
        name = f"{importer.title}导入模板.xlsx"
    return workbook_response(workbook, name)


View = Callable[[HttpRequest], HttpResponse]


def import_views(importer: type[Importer], namespace: str, done: str) -> tuple[View, View, View]:
    """The three pages of an import with fixed addresses (`<namespace>:import`,
    `:import_preview`, `:import_template`; `done` is the URL name of the list the rows land
    in): upload, preview-and-confirm, template. Signed-in users only; the role is the
    importer's `check_user`."""
    from django.contrib.auth.decorators import login_required
    from django.urls import reverse
    from django.views.decorators.http import require_GET, require_http_methods

    def pages() -> Pages:
        return Pages(
            upload=reverse(f"{namespace}:import"),
            preview=reverse(f"{namespace}:import_preview"),
            template=reverse(f"{namespace}:import_template"),
            done=reverse(done),
        )

    @require_http_methods(["GET", "POST"])
    @login_required
    def upload(request: HttpRequest) -> HttpResponse:
        return upload_page(request, importer, pages())

    @require_http_methods(["GET", "POST"])
    @login_required
    def preview(request: HttpRequest) -> HttpResponse:
        return preview_page(request, importer, pages())

    @require_GET
    @login_required
    def template(request: HttpRequest) -> HttpResponse:
        importer(request.user)
        return template_response(importer)

    return upload, preview, template
