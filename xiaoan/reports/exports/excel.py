"""The Excel file: the text on the first sheet, every table on a sheet of its own."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from xiaoan.core.excel import append_row

from ..document import Document, Heading, Paragraph, Table

_THIN = Side(style="thin", color="999999")
_BOX = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)


def render_xlsx(document: Document) -> bytes:
    wb = Workbook()
    text = wb.active
    assert text is not None
    text.title = "正文"
    text.column_dimensions["A"].width = 100
    append_row(text, [document.title])
    text["A1"].font = Font(bold=True, size=16)
    for block in document.blocks:
        if isinstance(block, Heading):
            append_row(text, [block.text])
            text.cell(text.max_row, 1).font = Font(bold=True)
        elif isinstance(block, Paragraph):
            append_row(text, [block.text])
            text.cell(text.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    for line in (document.issuer, document.date_text):
        if line:
            append_row(text, [line])
    for index, table in enumerate(document.tables, start=1):
        _table_sheet(wb, index, table)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _sheet_name(index: int, caption: str) -> str:
    clean = re.sub(r"[\[\]:*?/\\]", "", caption) or "表"
    return f"{index}.{clean}"[:31]


def _table_sheet(wb: Workbook, index: int, table: Table) -> None:
    ws = wb.create_sheet(_sheet_name(index, table.caption))
    append_row(ws, [table.caption])
    ws["A1"].font = Font(bold=True, size=13)
    append_row(ws, table.headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.border = _BOX
    for row in table.rows:
        append_row(ws, row)
    ws.freeze_panes = "A3"
    for column in ws.columns:
        width = max(len(str(c.value or "")) * 2 for c in list(column)[1:]) + 2
        ws.column_dimensions[column[0].column_letter].width = min(max(width, 8), 50)
