"""Inspection exports: the list as Excel, the record (安全检查记录表) as Word."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from openpyxl import Workbook

from xiaoan.core.excel import build_workbook

from .models import Inspection, InspectionSchedule

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"


def inspections_workbook(inspections: QuerySet[Inspection]) -> Workbook:
    headers = [
        _("School"),
        _("Kind"),
        _("Date"),
        _("Campaign"),
        _("Areas"),
        _("Departments"),
        _("Inspectors"),
        _("Items"),
        _("Failed"),
        _("Hazards raised"),
        _("Status"),
        _("Signed by"),
    ]
    return build_workbook(_("Inspections"), headers, _rows(inspections))


def _rows(inspections: QuerySet[Inspection]) -> Iterable[list[Any]]:
    for i in inspections.prefetch_related("answers", "inspectors"):
        counts = i.counts()
        yield [
            i.school.name,
            i.get_kind_display(),
            i.date,
            str(i.campaign or ""),
            "、".join(a.name for a in i.areas.all()),
            "、".join(d.name for d in i.departments.all()),
            i.inspector_list(),
            counts["total"],
            counts["fail"],
            sum(1 for a in i.answers.all() if a.hazard_id),
            i.get_status_display(),
            i.signed_by,
        ]


def coverage_workbook(schedule: InspectionSchedule) -> Workbook:
    """Every target school: inspected (when, by whom, which departments) or still due."""
    headers = [
        _("School code"),
        _("School"),
        _("School kind"),
        _("Status"),
        _("Inspected on"),
        _("Inspectors"),
        _("Departments"),
        _("Signed by"),
    ]
    return build_workbook(schedule.title, headers, _coverage_rows(schedule), sheet=_("Coverage"))


def _coverage_rows(schedule: InspectionSchedule) -> Iterable[list[Any]]:
    due = _("Overdue") if schedule.is_late() else _("Still due")
    for row in schedule.coverage():
        school, inspection = row.school, row.inspection
        start = [school.code, school.name, school.get_kind_display()]
        if inspection is None:
            yield [*start, due, "", "", "", ""]
            continue
        yield [
            *start,
            _("Inspected"),
            inspection.date,
            inspection.inspector_list(),
            "、".join(d.name for d in inspection.departments.all()),
            inspection.signed_by,
        ]


def _set_font(style: Any, name: str, size: float, bold: bool = False) -> None:
    style.font.name = name
    style.font.size = Pt(size)
    style.font.bold = bold
    # Word takes Chinese text's font from the East-Asian slot; without it, it falls back.
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), name)


def _document() -> Any:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _set_font(doc.styles["Normal"], BODY_FONT, 12)
    _set_font(doc.styles["Title"], TITLE_FONT, 22)
    _set_font(doc.styles["Table Grid"], BODY_FONT, 10.5)
    return doc


def record_docx(inspection: Inspection) -> bytes:
    """安全检查记录表: header facts, one row per checklist item, notes and signature."""
    doc = _document()
    title = doc.add_paragraph(_("Safety inspection record"), style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    facts = doc.add_table(rows=0, cols=4, style="Table Grid")
    pairs = [
        (_("School"), inspection.school.name, _("Date"), f"{inspection.date:%Y年%m月%d日}"),
        (_("Kind"), inspection.get_kind_display(), _("Campaign"), str(inspection.campaign or "—")),
        (
            _("Inspectors"),
            inspection.inspector_list() or "—",
            _("Departments"),
            inspection.taking_part() or "—",
        ),
    ]
    for pair in pairs:
        cells = facts.add_row().cells
        for cell, value in zip(cells, pair, strict=True):
            cell.text = value
    _widths(facts, FACT_WIDTHS)
    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=5, style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(
        table.rows[0].cells,
        [_("No."), _("Item"), _("Legal basis"), _("Result"), _("Note / hazard")],
        strict=True,
    ):
        cell.text = text
        cell.paragraphs[0].runs[0].font.bold = True
    _repeat_header(table.rows[0])
    answers = inspection.answers.select_related("hazard").order_by("order")
    for number, answer in enumerate(answers, start=1):
        note = answer.note + (f"（{answer.hazard.code}）" if answer.hazard else "")
        cells = table.add_row().cells
        values = [
            str(number),
            answer.item_text,
            answer.legal_basis,
            answer.get_result_display() or "—",
            note,
        ]
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
    _widths(table, ITEM_WIDTHS)
    doc.add_paragraph()
    doc.add_paragraph(f"{_('Overall notes')}：{inspection.notes or '—'}")
    _failed_photos(doc, list(answers))
    _signatures(doc, inspection)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


FACT_WIDTHS = (24, 54, 24, 54)  # mm; the text width of A4 with these margins is 156 mm
ITEM_WIDTHS = (12, 56, 38, 16, 34)


def _widths(table: Any, widths: tuple[int, ...]) -> None:
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)


def _failed_photos(doc: Any, answers: list[Any]) -> None:
    """The photo of every failed item, under its number and text."""
    failed = [(n, a) for n, a in enumerate(answers, start=1) if a.result == "fail" and a.photo]
    if not failed:
        return
    doc.add_paragraph(_("Photos of failed items"), style="Heading 2")
    for number, answer in failed:
        with answer.photo.open("rb") as handle:
            doc.add_picture(io.BytesIO(handle.read()), width=Mm(80))
        caption = _("Item %(number)s: %(text)s") % {"number": number, "text": answer.item_text}
        doc.add_paragraph(caption)


def _signatures(doc: Any, inspection: Inspection) -> None:
    """Lines the inspectors and the inspected school sign on paper; the time the record was
    signed in the product is in the bureau's clock (TIME_ZONE), not UTC."""
    signed = (
        f"{timezone.localtime(inspection.signed_at):%Y年%m月%d日 %H:%M}"
        if inspection.signed_at
        else "—"
    )
    doc.add_paragraph(f"{_('Signed by')}：{inspection.signed_by or '—'}　{signed}")
    lines = doc.add_table(rows=2, cols=2)
    rows = [
        (_("Inspectors (signature)"), inspection.inspector_list() or ""),
        (_("Inspected school (signature)"), inspection.school.name),
    ]
    for row, (label, name) in zip(lines.rows, rows, strict=True):
        row.cells[0].text = f"{label}：________________\n{name}"
        row.cells[1].text = f"{_('Date')}：____年__月__日"
    _widths(lines, (100, 56))


def _repeat_header(row: Any) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = tr_pr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"})
    tr_pr.append(header)
