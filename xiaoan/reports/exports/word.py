"""The Word file, laid out as GB/T 9704-2012 asks.

A4, margins 37/35/28/26 mm, a document grid of 22 lines × 28 characters, 3号仿宋 body justified
with a two-character first-line indent, 2号小标宋 title broken between words, 一、黑体 ·
（一）楷体 · 1. 仿宋 bold headings, tables with set column widths, rows that never split, header
rows repeated, cells centred vertically, captions kept with their tables and charts, issuer and
date placed by the standard's rule, page numbers `— 1 —`.

Word picks the font of Chinese characters from the East-Asian slot (`w:eastAsia`); setting only
`font.name` would leave the text in a Latin font, so every style and every run sets it. The GB
fonts are named first; the font table gives each the font a stock Windows has (`w:altName`),
which Word and WPS use where the GB font is not installed.
"""

from __future__ import annotations

import io
import math
from typing import Any

from docx import Document as new_docx
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from docx.text.run import Run

from ..document import Document, Heading, Image, Paragraph, Table, title_lines
from .layout import (
    CHAR_PT,
    CHARS_PER_LINE,
    LINE_PT,
    TYPE_WIDTH_MM,
    attachment_lines,
    column_widths_pt,
    signature_starts,
)

FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
TITLE_FONT = "方正小标宋简体"
SONGTI = "宋体"
# The font a stock Windows has for each GB font (and its Latin name, for the font table).
FALLBACKS = {
    FANGSONG: ("仿宋", "FangSong"),
    KAITI: ("楷体", "KaiTi"),
    TITLE_FONT: ("宋体", "SimSun"),
    HEITI: ("黑体", "SimHei"),
    SONGTI: ("宋体", "SimSun"),
}
BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
TABLE_PT = 12  # 小四: the tables are wide
NOTE_PT = 14  # 4号
PAGE_NUMBER_PT = 14  # 4号
LINE_PITCH_TWIPS = 579  # 22 lines in the 225 mm type area
# The grid's character pitch is the Normal font's size plus charSpace/4096 pt: 28 a line.
CHAR_SPACE = round((CHAR_PT - BODY_PT) * 4096)
# The body's characters are condensed to the grid's pitch (w:spacing, in twentieths of a point)
# and its paragraphs set out of the grid: Word and WPS put 28 characters on a line either way,
# while LibreOffice gives a character wider than the pitch two cells (14 a line) when snapped.
CONDENSE_TWENTIETHS = -math.ceil((BODY_PT - CHAR_PT) * 20)
HEADING_FONTS = {1: (HEITI, False), 2: (KAITI, False), 3: (FANGSONG, True), 4: (FANGSONG, False)}
LANG = "zh-CN"


def render_docx(document: Document) -> bytes:
    doc = new_docx()
    _page_setup(doc)
    _base_style(doc)
    _font_table(doc)
    _title(doc, document.title)
    if document.addressee:
        _paragraph(doc, document.addressee, FANGSONG, BODY_PT, indent=False)
    for block in document.blocks:
        if isinstance(block, Heading):
            _heading(doc, block)
        elif isinstance(block, Paragraph):
            _body(doc, block.text)
        elif isinstance(block, Table):
            _table(doc, block)
        elif isinstance(block, Image):
            _image(doc, block)
    if document.closing:
        _body(doc, document.closing)
    _attachments(doc, document)
    _signature(doc, document)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def set_fonts(run: Run, name: str, size_pt: float, bold: bool = False) -> None:
    """Name the font in every slot, East-Asian included, and the language."""
    run.font.name = name
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.get_or_add_rFonts()
    for slot in ("w:eastAsia", "w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(slot), name)
    _lang(r_pr)


def _lang(r_pr: Any) -> None:
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    lang.set(qn("w:val"), LANG)
    lang.set(qn("w:eastAsia"), LANG)


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(20)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    grid.set(qn("w:charSpace"), str(CHAR_SPACE))
    _page_number_footer(section)


def _base_style(doc) -> None:
    for style_name in ("Normal", "Table Grid", "Caption"):
        try:
            style = doc.styles[style_name]
        except KeyError:
            continue
        style.font.name = FANGSONG
        style.font.size = Pt(BODY_PT)
        r_pr = style.element.get_or_add_rPr()
        fonts = r_pr.get_or_add_rFonts()
        for slot in ("w:eastAsia", "w:ascii", "w:hAnsi", "w:cs"):
            fonts.set(qn(slot), FANGSONG)
        _lang(r_pr)
    normal_style = doc.styles["Normal"].element
    condensed = OxmlElement("w:spacing")
    condensed.set(qn("w:val"), str(CONDENSE_TWENTIETHS))
    size = normal_style.get_or_add_rPr().find(qn("w:sz"))
    if size is not None:
        size.addprevious(condensed)
    else:
        normal_style.get_or_add_rPr().append(condensed)
    off_grid = OxmlElement("w:snapToGrid")
    off_grid.set(qn("w:val"), "0")
    normal_style.get_or_add_pPr().insert(0, off_grid)
    normal = doc.styles["Normal"].paragraph_format
    normal.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.line_spacing = Pt(LINE_PT)
    normal.space_before = normal.space_after = Pt(0)
    normal.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _defaults(doc)


def _defaults(doc) -> None:
    """The document defaults: 3号仿宋, Chinese, no spacing. Word measures the grid's character
    pitch from the default size, so it must be the body's 16 pt."""
    r_pr = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if r_pr is None:
        return
    fonts = r_pr.find(qn("w:rFonts"))
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    for slot in ("w:eastAsia", "w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(slot), FANGSONG)
    for tag in ("w:sz", "w:szCs"):
        r_pr.find(qn(tag)).set(qn("w:val"), str(BODY_PT * 2))
    _lang(r_pr)
    spacing = doc.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}"
    )
    if spacing is not None:
        spacing.set(qn("w:after"), "0")


def _font_table(doc) -> None:
    """Each GB font in the font table with the stock Windows font Word falls back to."""
    part = next(
        p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml"
    )
    from lxml import etree

    root = etree.fromstring(part.blob)
    for name, (alt, latin) in FALLBACKS.items():
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        alt_name = etree.SubElement(font, qn("w:altName"))
        alt_name.set(qn("w:val"), f"{alt},{latin}")
        charset = etree.SubElement(font, qn("w:charset"))
        charset.set(qn("w:val"), "86")  # GB2312
        family = etree.SubElement(font, qn("w:family"))
        family.set(qn("w:val"), "modern" if name != HEITI else "swiss")
        pitch = etree.SubElement(font, qn("w:pitch"))
        pitch.set(qn("w:val"), "fixed")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def off_grid(p) -> None:
    """A paragraph not in the body's size keeps its own spacing: off the document grid."""
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    p_pr = p._p.get_or_add_pPr()
    p_pr.insert_element_before(snap, *_AFTER_SNAP)


# The elements that follow w:snapToGrid in a paragraph's properties (the schema's order).
_AFTER_SNAP = (
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def _chars_indent(p, first_line_chars: float = 0, left_chars: float = 0) -> None:
    """Indents in characters of the grid (Word's *Chars attributes), with the twips beside
    them for readers that ignore those."""
    ind = p._p.get_or_add_pPr().get_or_add_ind()
    if first_line_chars:
        ind.set(qn("w:firstLineChars"), str(round(first_line_chars * 100)))
        ind.set(qn("w:firstLine"), str(round(first_line_chars * CHAR_PT * 20)))
    if left_chars:
        ind.set(qn("w:leftChars"), str(round(left_chars * 100)))
        ind.set(qn("w:left"), str(round(left_chars * CHAR_PT * 20)))


def _paragraph(doc, text: str, font: str, size: float, *, bold: bool = False, indent: bool = True):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT)
    if indent:
        _chars_indent(p, first_line_chars=2)
    set_fonts(p.add_run(text), font, size, bold)
    return p


def _title(doc, text: str) -> None:
    """The title centred, in lines broken between words (GB/T 9704 7.3.1)."""
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT * 1.25)
    fmt.space_after = Pt(LINE_PT)
    fmt.keep_with_next = True
    off_grid(p)
    lines = title_lines(text, per_line=int(CHARS_PER_LINE * BODY_PT / TITLE_PT))
    for index, line in enumerate(lines):
        run = p.add_run(line)
        set_fonts(run, TITLE_FONT, TITLE_PT)
        if index < len(lines) - 1:
            run.add_break(WD_BREAK.LINE)


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


def _caption(doc, text: str, keep_with_next: bool):
    p = _paragraph(doc, text, HEITI, NOTE_PT, indent=False)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.keep_with_next = keep_with_next
    off_grid(p)
    return p


def _table(doc, block: Table) -> None:
    if block.caption:
        _caption(doc, block.caption, keep_with_next=True)
    shown = [[block.shown(i, v) for i, v in enumerate(row)] for row in block.rows]
    widths = column_widths_pt(block.headers, shown, block.formats, TABLE_PT)
    table = doc.add_table(rows=1, cols=len(block.headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fixed_layout(table, widths)
    _row_rules(table.rows[0], header=True)
    for cell, header in zip(table.rows[0].cells, block.headers, strict=True):
        _cell_text(cell, header, bold=True)
    for values in shown:
        row = table.add_row()
        _row_rules(row)
        for cell, value in zip(row.cells, values, strict=True):
            _cell_text(cell, value)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Pt(width)
    if block.note:
        note = _paragraph(doc, block.note, FANGSONG, NOTE_PT, indent=False)
        note.paragraph_format.line_spacing = Pt(LINE_PT * 0.8)
        off_grid(note)
    doc.add_paragraph()


def _fixed_layout(table, widths: list[float]) -> None:
    """Set column widths that Word keeps: fixed layout, the table's width, the grid's."""
    table.autofit = False  # w:tblLayout fixed
    tbl_w = table._tbl.tblPr.find(qn("w:tblW"))
    if tbl_w is not None:
        tbl_w.set(qn("w:w"), str(round(sum(widths) * 20)))
        tbl_w.set(qn("w:type"), "dxa")
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Twips(round(width * 20))


def _row_rules(row, header: bool = False) -> None:
    """A row never splits across pages; the header row repeats at the top of every page."""
    tr_pr = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    tr_pr.append(cant_split)
    if header:
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        tr_pr.append(repeat)


def _cell_text(cell, text: str, bold: bool = False) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    p = cell.paragraphs[0]
    p.paragraph_format.first_line_indent = Pt(0)
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    p.paragraph_format.line_spacing = Pt(TABLE_PT * 1.5)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER if len(text) <= 12 else WD_ALIGN_PARAGRAPH.LEFT
    off_grid(p)
    set_fonts(p.add_run(text), HEITI if bold else FANGSONG, TABLE_PT)


def _image(doc, block: Image) -> None:
    """The chart kept with its caption below it."""
    doc.add_picture(io.BytesIO(block.png), width=Mm(min(block.width_mm, TYPE_WIDTH_MM)))
    picture = doc.paragraphs[-1]
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = picture.paragraph_format
    fmt.first_line_indent = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.keep_with_next = True
    off_grid(picture)
    if block.caption:
        _caption(doc, block.caption, keep_with_next=False)


def _attachments(doc, document: Document) -> None:
    """The attachments' note, one blank line under the body, kept with the signature."""
    lines = attachment_lines([a.name for a in document.attachments])
    if not lines:
        return
    _paragraph(doc, "", FANGSONG, BODY_PT, indent=False).paragraph_format.keep_with_next = True
    for text, left, first_line in lines:
        p = _paragraph(doc, text, FANGSONG, BODY_PT, indent=False)
        p.paragraph_format.keep_with_next = True
        _chars_indent(p, left_chars=left)
        ind = p._p.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:hangingChars"), str(round(-first_line * 100)))
        ind.set(qn("w:hanging"), str(round(-first_line * CHAR_PT * 20)))


def _signature(doc, document: Document) -> None:
    """Issuer and date without a seal (GB/T 9704 7.3.5.2): one blank line after the body; the
    issuer ends two characters in from the right, the date starts two characters to the
    right of the issuer's start (or ends two in, when it is the longer)."""
    if not (document.issuer or document.date_text):
        return
    # The issuer and the date never stand alone on the last page: keep them with the text.
    if doc.paragraphs:
        doc.paragraphs[-1].paragraph_format.keep_with_next = True
    doc.add_paragraph().paragraph_format.keep_with_next = True
    starts = signature_starts(document.issuer, document.date_text)
    for text, start in zip((document.issuer, document.date_text), starts, strict=True):
        if text:
            p = _paragraph(doc, text, FANGSONG, BODY_PT, indent=False)
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT
            p.paragraph_format.keep_with_next = text != document.date_text
            _chars_indent(p, left_chars=start)


def _page_number_footer(section) -> None:
    """`— 1 —` centred at the foot of every page, from Word's PAGE field."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_fonts(p.add_run("— "), SONGTI, PAGE_NUMBER_PT)
    for element in _page_field():
        run = p.add_run()
        set_fonts(run, SONGTI, PAGE_NUMBER_PT)
        run._element.append(element)
    set_fonts(p.add_run(" —"), SONGTI, PAGE_NUMBER_PT)


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
