"""The Excel file as a bureau's staff would make it: the text on the first sheet, every table
on a sheet of its own with numbers, percentages and dates stored as such, borders, the header
row repeated on every printed page, fitted to the page's width (landscape where wide), long
text wrapped; every chart a native Excel chart beside its data."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from xiaoan.core.excel import append_row, fit_widths, print_setup, style_table

from ..document import (
    DATE,
    INTEGER,
    PERCENT,
    Attachment,
    Document,
    Heading,
    Image,
    Paragraph,
    Table,
)

TEXT_WIDTH = 90  # the text sheet's one column: a paragraph wraps in it


def render_xlsx(document: Document) -> bytes:
    wb = Workbook()
    text = wb.active
    assert text is not None
    _text_sheet(text, document)
    for index, table in enumerate(document.tables, start=1):
        _table_sheet(wb, index, table)
    for index, image in enumerate(document.images, start=1):
        if image.labels and image.series:
            _chart_sheet(wb, index, image)
    # Excel is where a long list is read: the full lists follow, each on its own sheet.
    for index, attachment in enumerate(document.attachments, start=1):
        _table_sheet(wb, index, attachment.table, f"附件{index}")
    return _saved(wb)


def render_attachment(attachment: Attachment) -> bytes:
    """A full list as the file beside the document: one sheet, every row, laid out as the
    document's own tables are in Excel (header row, widths, formats, print set-up)."""
    wb = Workbook()
    assert wb.active is not None
    wb.remove(wb.active)
    _table_sheet(wb, 1, attachment.table, caption=attachment.name)
    return _saved(wb)


def _saved(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _text_sheet(ws: Worksheet, document: Document) -> None:
    ws.title = "正文"
    ws.column_dimensions["A"].width = TEXT_WIDTH
    append_row(ws, [document.title])
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center", wrap_text=True)
    lines = [document.addressee] if document.addressee else []
    for block in document.blocks:
        if isinstance(block, Heading):
            append_row(ws, [block.text])
            ws.cell(ws.max_row, 1).font = Font(bold=True)
        elif isinstance(block, Paragraph):
            append_row(ws, [block.text])
            ws.cell(ws.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
        elif isinstance(block, Table):
            append_row(ws, [f"（见工作表“{block.caption}”）"])
    lines = [document.closing, document.issuer, document.date_text]
    for line in (line for line in lines if line):
        append_row(ws, [line])
        if line != document.closing:
            ws.cell(ws.max_row, 1).alignment = Alignment(horizontal="right")
    print_setup(ws, None, 1)


def _sheet_name(index: int, caption: str, prefix: str = "表") -> str:
    clean = re.sub(r"[\[\]:*?/\\]", "", caption) or prefix
    return clean[:31]


XLSX_FORMATS = {INTEGER: "integer", PERCENT: "percent", DATE: "date"}


def _table_sheet(
    wb: Workbook, index: int, table: Table, sheet: str = "", caption: str = ""
) -> None:
    ws = wb.create_sheet(_sheet_name(index, sheet or table.caption))
    columns = len(table.headers)
    append_row(ws, [caption or table.caption])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    ws["A1"].font = Font(bold=True, size=13)
    ws["A1"].alignment = Alignment(horizontal="center")
    append_row(ws, table.headers)
    formats = [XLSX_FORMATS.get(table.format_of(i)) for i in range(columns)]
    for row in table.rows:
        values = [
            (v / 100 if table.format_of(i) == PERCENT and v not in ("", None) else v)
            for i, v in enumerate(row)
        ]
        append_row(ws, [None if v == "" else v for v in values], formats)
    ws.freeze_panes = "A3"
    fit_widths(ws, columns, first_row=2, widest=50)
    style_table(ws, 2, columns)
    if table.note:
        append_row(ws, [table.note])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=columns)
        ws.cell(ws.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[ws.max_row].height = 32
    print_setup(ws, 2, columns)


def _chart_sheet(wb: Workbook, index: int, image: Image) -> None:
    """The chart's data as a small table, and a native bar chart drawn from it."""
    ws = wb.create_sheet(_sheet_name(index, image.caption, "图"))
    append_row(ws, [image.caption])
    ws["A1"].font = Font(bold=True, size=13)
    append_row(ws, ["", *[name for name, _values in image.series]])
    for position, label in enumerate(image.labels):
        append_row(
            ws,
            [label, *[values[position] for _n, values in image.series]],
            ["", *["integer"] * len(image.series)],
        )
    columns = 1 + len(image.series)
    fit_widths(ws, columns, first_row=2, widest=30)
    style_table(ws, 2, columns)
    chart = BarChart()
    chart.type = "bar" if image.horizontal else "col"
    chart.title = image.caption
    chart.style = 10
    chart.height, chart.width = 9 + 0.4 * len(image.labels), 18
    last = 2 + len(image.labels)
    chart.add_data(
        Reference(ws, min_col=2, max_col=columns, min_row=2, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(ws, min_col=1, min_row=3, max_row=last))
    if image.horizontal:
        chart.y_axis.majorGridlines = None
        chart.x_axis.scaling.orientation = "maxMin"  # the first area at the top, as in the text
    ws.add_chart(chart, f"A{last + 2}")
    print_setup(ws, 2, columns)
