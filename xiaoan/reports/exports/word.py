"""The Word file, laid out as GB/T 9704-2012 asks (A4, 37/35/28/26 mm, 3号仿宋, 一、(一)1.).

Word picks the font of Chinese characters from the East-Asian slot (`w:eastAsia`); setting only
`font.name` would leave the text in a Latin font, so every style and every run sets it.
"""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.run import Run

from ..document import Document, Heading, Image, Paragraph, Table

FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
TITLE_FONT = "方正小标宋简体"
BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
TABLE_PT = 12  # 小四: the tables are wide
PAGE_NUMBER_PT = 14  # 4号
LINE_PT = 28.9  # 22 lines in the 225 mm type area
INDENT_PT = BODY_PT * 2  # two characters
HEADING_FONTS = {1: (HEITI, False), 2: (KAITI, False), 3: (FANGSONG, True), 4: (FANGSONG, False)}


def render_docx(document: Document) -> bytes:
    doc = new_docx()
    _page_setup(doc)
    _base_style(doc)
    _title(doc, document.title)
    for block in document.blocks:
        if isinstance(block, Heading):
            _heading(doc, block)
        elif isinstance(block, Paragraph):
            _body(doc, block.text)
        elif isinstance(block, Table):
            _table(doc, block)
        elif isinstance(block, Image):
            _image(doc, block)
    _signature(doc, document)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def set_fonts(run: Run, name: str, size_pt: float, bold: bool = False) -> None:
    """Name the font in every slot, East-Asian included."""
    run.font.name = name
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:eastAsia", "w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(slot), name)


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(20)
    _page_number_footer(section)


def _base_style(doc) -> None:
    for style_name in ("Normal", "Table Grid", "Caption"):
        try:
            style = doc.styles[style_name]
        except KeyError:
            continue
        style.font.name = FANGSONG
        style.font.size = Pt(BODY_PT)
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), FANGSONG)
    normal = doc.styles["Normal"].paragraph_format
    normal.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.line_spacing = Pt(LINE_PT)
    normal.space_before = normal.space_after = Pt(0)


def _paragraph(doc, text: str, font: str, size: float, *, bold: bool = False, indent: bool = True):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.first_line_indent = Pt(INDENT_PT) if indent else Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT)
    set_fonts(p.add_run(text), font, size, bold)
    return p


def _title(doc, text: str) -> None:
    p = _paragraph(doc, text, TITLE_FONT, TITLE_PT, indent=False)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.line_spacing = Pt(36)
    p.paragraph_format.space_after = Pt(LINE_PT)


def _heading(doc, block: Heading) -> None:
    """A heading paragraph: kept with the text below it, and in Word's outline (navigation)."""
    font, bold = HEADING_FONTS.get(block.level, (FANGSONG, False))
    p = _paragraph(doc, block.text, font, BODY_PT, bold=bold)
    p.paragraph_format.keep_with_next = True
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), str(block.level - 1))
    p._p.get_or_add_pPr().append(outline)


def _body(doc, text: str) -> None:
    _paragraph(doc, text, FANGSONG, BODY_PT)


def _table(doc, block: Table) -> None:
    if block.caption:
        caption = _paragraph(doc, block.caption, HEITI, TABLE_PT + 2, indent=False)
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    table = doc.add_table(rows=1, cols=len(block.headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _repeat_header(table.rows[0])
    for cell, header in zip(table.rows[0].cells, block.headers, strict=True):
        _cell_text(cell, header, bold=True)
    for values in block.rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            _cell_text(cell, "" if value is None else str(value))
    doc.add_paragraph()


def _cell_text(cell, text: str, bold: bool = False) -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.first_line_indent = Pt(0)
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_fonts(p.add_run(text), FANGSONG, TABLE_PT, bold)


def _repeat_header(row) -> None:
    """Mark the row as a header row, which Word repeats at the top of every page."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _image(doc, block: Image) -> None:
    doc.add_picture(io.BytesIO(block.png), width=Mm(min(block.width_mm, 156)))
    picture = doc.paragraphs[-1]
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.first_line_indent = Pt(0)
    picture.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if block.caption:
        caption = _paragraph(doc, block.caption, FANGSONG, TABLE_PT + 2, indent=False)
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _signature(doc, document: Document) -> None:
    if not (document.issuer or document.date_text):
        return
    # The issuer and the date never stand alone on the last page: keep them with the text.
    if doc.paragraphs:
        doc.paragraphs[-1].paragraph_format.keep_with_next = True
    doc.add_paragraph().paragraph_format.keep_with_next = True
    for text in (document.issuer, document.date_text):
        if text:
            p = _paragraph(doc, text, FANGSONG, BODY_PT, indent=False)
            p.paragraph_format.keep_with_next = text != document.date_text
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.paragraph_format.right_indent = Pt(BODY_PT * 4)


def _page_number_footer(section) -> None:
    """`— 1 —` centred at the foot of every page, from Word's PAGE field."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_fonts(p.add_run("— "), "宋体", PAGE_NUMBER_PT)
    for element in _page_field():
        run = p.add_run()
        set_fonts(run, "宋体", PAGE_NUMBER_PT)
        run._element.append(element)
    set_fonts(p.add_run(" —"), "宋体", PAGE_NUMBER_PT)


def _page_field() -> list:
    begin, separate, end = (OxmlElement("w:fldChar") for _ in range(3))
    begin.set(qn("w:fldCharType"), "begin")
    separate.set(qn("w:fldCharType"), "separate")
    end.set(qn("w:fldCharType"), "end")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    shown = OxmlElement("w:t")
    shown.text = "1"
    return [begin, instruction, separate, shown, end]
