"""Excel helpers shared by every export and import: one layout, one set of error rules."""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_THIN = Side(style="thin", color="999999")


# What Excel would run as a formula (or DDE) if the cell were text typed by a user.
FORMULA_STARTS = ("=", "+", "-", "@")


def safe_cell(value: Any) -> Any:
    """A value as every export writes it: control characters (which openpyxl refuses, and which
    no one can see) removed. Numbers, dates and booleans pass unchanged."""
    if not isinstance(value, str):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", value)


# Number formats by the kind of value a column holds, as a bureau's staff would set them.
NUMBER_FORMATS = {
    "integer": "0",
    "decimal": "0.0",
    "percent": "0.0%",
    "date": "yyyy-mm-dd",
    "yuan": "#,##0.00",
}
BOX = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
# An A4 page printed portrait holds about this many Excel width units; wider sheets turn.
PORTRAIT_WIDTH = 95


def append_row(
    ws: Worksheet, values: Iterable[Any], formats: Sequence[str | None] | None = None
) -> None:
    """The one way rows are written to a sheet: text is cleaned (`safe_cell`), and text that
    Excel would take for a formula (=, +, -, @) is stored as text, marked with Excel's own
    "this is text" flag, so it is shown, never run — also after someone edits the cell.

    `formats` names each column's kind of value (`NUMBER_FORMATS`): numbers, percentages
    (a fraction: 0.74 shows 74.0%) and dates are stored as such and shown in that format."""
    # The cells are made before they are appended: reading the row back (`ws[ws.max_row]`)
    # scans every cell of the sheet, which made a sheet of thousands of rows take seconds.
    cells = [Cell(ws, value=safe_cell(v)) for v in values]
    for index, cell in enumerate(cells):
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
            cell.quotePrefix = True
        fmt = formats[index] if formats and index < len(formats) else None
        if fmt in NUMBER_FORMATS and not isinstance(cell.value, str):
            cell.number_format = NUMBER_FORMATS[fmt]
        elif isinstance(cell.value, datetime.datetime):
            cell.number_format = "yyyy-mm-dd hh:mm"
        elif isinstance(cell.value, datetime.date):
            cell.number_format = NUMBER_FORMATS["date"]
    ws.append(cells)


def style_table(ws: Worksheet, header_row: int, columns: int, wrap_from: int = 30) -> None:
    """Borders on every cell of the table from its header row down, the header bold on a
    fill, cells centred vertically, text longer than `wrap_from` characters wrapped."""
    # (long text, the cell's style before) → its style after, as a cell styled before has it:
    # copied, since setting a border looks it up in the workbook's styles (seconds for a
    # sheet of 10,000 rows).
    styled: dict[tuple[bool, Any], Any] = {}
    for row in ws.iter_rows(min_row=header_row, max_row=ws.max_row, max_col=columns):
        for cell in row:
            value = cell.value
            long_text = (
                isinstance(value, str)
                and len(value) * 2 > wrap_from  # at most two columns a character
                and _display_width(value) > wrap_from
            )
            key = (long_text, tuple(cell._style) if cell.has_style else None)
            if key in styled:
                cell._style = copy(styled[key]._style)
                continue
            cell.border = BOX
            cell.alignment = Alignment(
                vertical="center", horizontal="left" if long_text else "center", wrap_text=True
            )
            styled[key] = cell
    for cell in ws[header_row][:columns]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")


def print_setup(ws: Worksheet, header_row: int | None, columns: int) -> None:
    """A4, the header row repeated on every printed page, fitted to the page's width (as many
    pages down as needed), landscape when the columns are wider than a portrait page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    width = sum(
        ws.column_dimensions[get_column_letter(i)].width or 8.43 for i in range(1, columns + 1)
    )
    ws.page_setup.orientation = "landscape" if width > PORTRAIT_WIDTH else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    if header_row:
        ws.print_title_rows = f"{header_row}:{header_row}"


def fit_widths(ws: Worksheet, columns: int, first_row: int = 2, widest: int = 60) -> None:
    """Column widths that fit the content (Chinese characters count double), at most
    `widest`: a longer text wraps in its cell (`style_table`)."""
    _fit_widths(ws, columns, first_row, widest)


def build_workbook(
    title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str = ""
) -> Workbook:
    """A one-sheet workbook: a title row, a bold header row, the rows, widths that fit."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = (sheet or title)[:31]
    append_row(ws, [title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(headers), 1))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    append_row(ws, headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.border = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
    for row in rows:
        append_row(ws, row)
    ws.freeze_panes = "A3"
    _fit_widths(ws, len(headers))
    style_table(ws, 2, len(headers))
    print_setup(ws, 2, len(headers))
    return wb


def _fit_widths(ws: Worksheet, columns: int, first_row: int = 2, widest: int = 60) -> None:
    for index in range(1, columns + 1):
        letter = get_column_letter(index)
        cells = ws[letter][first_row - 1 : first_row + 200]
        longest = max((_display_width(c.value) for c in cells if c.value is not None), default=8)
        ws.column_dimensions[letter].width = min(max(longest + 2, 8), widest)


def _display_width(value: Any) -> int:
    # CJK characters take two columns in Excel's default font; a date shows 10 characters.
    if hasattr(value, "isoformat"):
        return 10
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(value))


def workbook_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def workbook_response(wb: Workbook, filename: str) -> HttpResponse:
    response = HttpResponse(workbook_bytes(wb), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response


def content_disposition(filename: str, fallback: str = "export") -> str:
    """A download's header: the Chinese name for browsers that read it, an ASCII one for the
    rest (`fallback` with the same extension)."""
    from pathlib import PurePath
    from urllib.parse import quote

    ascii_name = fallback + PurePath(filename).suffix
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


class ExcelError(ValueError):
    """The uploaded file is not a readable Excel workbook; the message is for the user."""


@dataclass(frozen=True)
class RowError:
    row: int
    message: str

    def __str__(self) -> str:
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


def read_rows(data: bytes, header_aliases: dict[str, str]) -> list[tuple[int, dict[str, Any]]]:
    """Read the first sheet into (row number, {field: value}) pairs.

    The header row is the first row whose cells name at least two known columns, so a title
    row above it is allowed. Unknown columns are ignored; fully empty rows are skipped.
    """
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ExcelError(_("The file is not an Excel workbook (.xlsx)."))
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ExcelError(_("The Excel file cannot be read: it may be damaged.")) from exc
    ws = wb.worksheets[0] if wb.worksheets else None
    if ws is None:
        raise ExcelError(_("The workbook has no sheet."))
    rows = _bounded_rows(ws)
    header_index, columns = _find_header(rows, header_aliases)
    result = []
    for offset, values in enumerate(rows[header_index + 1 :], start=header_index + 2):
        record = {field: values[i] if i < len(values) else None for i, field in columns.items()}
        if all(v is None or str(v).strip() == "" for v in record.values()):
            continue
        result.append((offset, record))
    if not result:
        raise ExcelError(_("The workbook has a header row but no data rows."))
    return result


# An import template has about ten columns; a district's registry a few thousand rows.
MAX_IMPORT_COLUMNS = 60
MAX_IMPORT_ROWS = 20_000


def _bounded_rows(ws: Any) -> list[tuple[Any, ...]]:
    """The sheet's rows as far as they hold data, refusing an oversized sheet as it is read.

    A sheet may declare a range far larger than its data (`A1:XFD1048576`); read-only openpyxl
    would pad every row to that width. The declared range is ignored and at most
    MAX_IMPORT_COLUMNS columns are read, so a small file cannot take gigabytes to open."""
    ws.reset_dimensions()
    rows: list[tuple[Any, ...]] = []
    for values in ws.iter_rows(values_only=True, max_col=MAX_IMPORT_COLUMNS):
        rows.append(values)
        if len(rows) > MAX_IMPORT_ROWS + 10:
            raise ExcelError(
                _("The sheet has more than %(rows)s rows; split it into several files.")
                % {"rows": MAX_IMPORT_ROWS}
            )
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    return rows


def _find_header(
    rows: list[tuple[Any, ...]], aliases: dict[str, str]
) -> tuple[int, dict[int, str]]:
    for index, values in enumerate(rows[:10]):
        columns = {
            i: aliases[str(v).strip()]
            for i, v in enumerate(values)
            if v is not None and str(v).strip() in aliases
        }
        if len(columns) >= 2:
            return index, columns
    raise ExcelError(
        _("No header row found: the first sheet needs the column names of the template.")
    )
