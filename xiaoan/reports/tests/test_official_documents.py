"""The official documents read back from their files: the demo's campaign summary tells the
seed's story with the seed's figures, each in its section; Chinese punctuation; the GB/T 9704
layout of the Word file; the Excel cells' types; a Q4 report's carried-over hazards."""

from __future__ import annotations

import datetime
import io
import re

import pytest
import time_machine
from django.core.management import call_command
from docx import Document as open_docx
from docx.oxml.ns import qn
from openpyxl import load_workbook
from pypdf import PdfReader

from xiaoan.reports.choices import OfficialKind
from xiaoan.reports.exports import render
from xiaoan.reports.exports.layout import display_width
from xiaoan.reports.official import build_document, generate

pytestmark = pytest.mark.django_db

# (the section's heading, what it must say): the seed's figures, each where the seed has it.
SEED_FIGURES = [
    ("（一）领导重视，精心部署", "经审核通过72份"),
    (
        "（二）排查整治，消除隐患",
        "全区37所中小学（其中民工子弟学校3所）、42家幼托机构共发现安全隐患103项，"
        "其中学生接送车安全项目8项，校舍安全29项，消防安全29项，食品卫生安全14项",
    ),
    ("（二）排查整治，消除隐患", "联系了清溪区交警大队、清溪区消防大队"),
    ("（五）突出重点，加强整顿", "今年全区增设了7个校园警务室"),
    ("（五）突出重点，加强整顿", "5所幼儿园落实了整改措施"),
    ("（五）突出重点，加强整顿", "全区现有辅警118名，落实物防技防经费350万元"),
    ("（五）突出重点，加强整顿", "8月初，对23所中小学、幼儿园进行了专项调研督促和隐患排查"),
    ("（五）突出重点，加强整顿", "对3所民工子弟学校和1所幼儿园进行了重点专项执法和监管"),
    ("（五）突出重点，加强整顿", "9月初，2所学校试行家长护导队制度"),
    ("（五）突出重点，加强整顿", "四是加强学生防溺水安全工作。6月"),
    ("（五）突出重点，加强整顿", "“四个不”"),
    ("（五）突出重点，加强整顿", "在册外来务工人员子女56名、留守儿童20名"),
]
SECTIONS = [
    "一、主要做法",
    "（一）领导重视，精心部署",
    "（二）排查整治，消除隐患",
    "（三）完善制度，强化管理",
    "（四）部门联动，形成合力",
    "（五）突出重点，加强整顿",
    "二、存在问题",
    "三、下一步打算",
]
ASCII_BESIDE_CHINESE = re.compile(r"[\u4e00-\u9fff][,;:()!?]|[,;:()!?][\u4e00-\u9fff]")


def _demo_files() -> tuple[dict[str, dict[str, bytes]], str]:
    """The demo district's campaign summary (as at 20 January 2015) and its Q4 report, as
    .docx, PDF and .xlsx."""
    from xiaoan.campaigns.demo import demo_campaign

    call_command("demo", stdout=io.StringIO())
    campaign = demo_campaign()
    with time_machine.travel(datetime.datetime(2015, 1, 20, 2, tzinfo=datetime.UTC)):
        report = generate(OfficialKind.CAMPAIGN_SUMMARY, campaign.bureau, campaign=campaign)
    quarter = generate(
        OfficialKind.QUARTERLY,
        campaign.bureau,
        year=2014,
        quarter=4,
        today=datetime.date(2015, 1, 8),
    )
    files = {
        name: {fmt: render(build_document(r), fmt) for fmt in ("docx", "pdf", "xlsx")}
        for name, r in (("summary", report), ("quarterly", quarter))
    }
    return files, report.narrative


def test_the_demo_documents_read_back_from_their_files(db):
    """One demo load (it takes a while) serves every check of the generated files."""
    demo_files = _demo_files()
    check_summary_docx_states_every_seed_figure_in_its_section(demo_files)
    check_summary_pdf_tells_the_same_story_in_the_same_order(demo_files)
    check_summary_writes_none_for_zero_and_lists_no_labels(demo_files)
    check_no_ascii_punctuation_beside_chinese(demo_files)
    check_docx_layout_follows_gb_t_9704(demo_files)
    check_quarterly_report_is_addressed_and_closed_as_a_report(demo_files)
    check_xlsx_cells_are_numbers_percentages_and_dates(demo_files)


def _sections(paragraphs: list[str]) -> dict[str, str]:
    """The text under each heading, up to the next heading of the document."""
    found: dict[str, str] = {}
    current = ""
    for text in paragraphs:
        if text in SECTIONS:
            current = text
            found[current] = ""
        elif current:
            found[current] += text
    return found


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "").replace(" ", "")


def check_summary_docx_states_every_seed_figure_in_its_section(demo_files) -> None:
    files, _narrative = demo_files
    docx = open_docx(io.BytesIO(files["summary"]["docx"]))
    sections = _sections([p.text for p in docx.paragraphs])
    assert list(sections) == SECTIONS  # the seed's order
    for heading, phrase in SEED_FIGURES:
        assert phrase in sections[heading], (heading, phrase)
    key_measures = sections["（五）突出重点，加强整顿"]
    assert key_measures.index("一是") < key_measures.index("二是") < key_measures.index("三是")
    assert key_measures.index("辅警118名") < key_measures.index("三是")  # security is 二是
    assert key_measures.index("三是") < key_measures.index("23所") < key_measures.index("四是")


def check_summary_pdf_tells_the_same_story_in_the_same_order(demo_files) -> None:
    files, _narrative = demo_files
    text = _pdf_text(files["summary"]["pdf"])
    positions = [text.index(heading) for heading in SECTIONS]
    assert positions == sorted(positions)
    for heading, phrase in SEED_FIGURES:
        start = text.index(heading)
        following = [p for p in positions if p > start]
        end = following[0] if following else len(text)
        assert phrase in text[start:end], (heading, phrase)


def check_summary_writes_none_for_zero_and_lists_no_labels(demo_files) -> None:
    _files, narrative = demo_files
    assert not re.search(r"(?<![\d.])0[项次起个份所名人万]", narrative)
    assert "新建校园警务室3个" not in narrative  # the year's rooms, not the campaign's months
    assert "；辅警" not in narrative and "在册留守儿童20人" not in narrative
    assert "无重大安全责任事故" in narrative


def check_no_ascii_punctuation_beside_chinese(demo_files) -> None:
    files, _narrative = demo_files
    for name, by_format in files.items():
        docx = open_docx(io.BytesIO(by_format["docx"]))
        texts = [p.text for p in docx.paragraphs]
        texts += [c.text for t in docx.tables for r in t.rows for c in r.cells]
        texts.append(_pdf_text(by_format["pdf"]))
        wb = load_workbook(io.BytesIO(by_format["xlsx"]))
        texts += [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row]
        offending = [t for t in texts if ASCII_BESIDE_CHINESE.search(t)]
        assert offending == [], (name, offending[:3])


def check_docx_layout_follows_gb_t_9704(demo_files) -> None:
    files, _narrative = demo_files
    docx = open_docx(io.BytesIO(files["summary"]["docx"]))
    section = docx.sections[0]
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    # 22 lines of 579 twips fill the 225 mm type area; 28 characters of 16 pt + charSpace/4096
    # fill its 156 mm width.
    assert int(grid.get(qn("w:linePitch"))) * 22 <= 225 / 25.4 * 1440 < 23 * 579
    pitch = 16 + int(grid.get(qn("w:charSpace"))) / 4096
    assert 28 * pitch <= 156 / 25.4 * 72 < 29 * pitch
    # The body is set at that pitch by condensing its characters, out of the grid (a renderer
    # that snaps a character wider than the pitch gives it two cells).
    normal = docx.styles["Normal"].element
    condensed = 16 + int(normal.rPr.find(qn("w:spacing")).get(qn("w:val"))) / 20
    assert condensed <= pitch and 28 * condensed <= 156 / 25.4 * 72
    assert normal.pPr.find(qn("w:snapToGrid")).get(qn("w:val")) == "0"
    styles = docx.styles.element
    defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    runs = [r for p in docx.paragraphs for r in p.runs if r.text]
    assert all(r.element.rPr.rFonts.get(qn("w:eastAsia")) for r in runs)
    assert {r.element.rPr.rFonts.get(qn("w:eastAsia")) for r in runs} >= {
        "仿宋_GB2312",
        "黑体",
        "楷体_GB2312",
        "方正小标宋简体",
    }
    fonts = _font_fallbacks(files["summary"]["docx"])
    assert fonts["仿宋_GB2312"].startswith("仿宋") and fonts["楷体_GB2312"].startswith("楷体")
    assert fonts["方正小标宋简体"].startswith("宋体")
    title = docx.paragraphs[0].text.split("\n")
    assert title == ["2014年清溪区教育系统", "学校安全专项行动情况总结材料"]  # between words
    headings = [p for p in docx.paragraphs if p.text.startswith(("一、", "（一）", "（二）"))]
    assert headings and all(p.paragraph_format.keep_with_next for p in headings)
    body = next(p for p in docx.paragraphs if p.text.startswith("根据"))
    assert body._p.pPr.ind.get(qn("w:firstLineChars")) == "200"
    assert body.paragraph_format.alignment is None  # justified by the Normal style
    table = docx.tables[0]
    caption = next(p for p in docx.paragraphs if p.text.startswith("表1"))
    assert caption.paragraph_format.keep_with_next
    for row in table.rows:
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None
        for cell in row.cells:
            assert cell._tc.tcPr.find(qn("w:vAlign")).get(qn("w:val")) == "center"
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    widths = [c.width for c in table.rows[0].cells]
    assert len(set(widths)) > 1  # set to the content, not equal
    chart = next(p for p in docx.paragraphs if p._p.xpath(".//w:drawing"))
    assert chart.paragraph_format.keep_with_next  # with its caption below
    assert docx.paragraphs[-1].text == "2015年1月20日"


def _font_fallbacks(data: bytes) -> dict[str, str]:
    import zipfile

    from lxml import etree

    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/fontTable.xml"))
    return {
        f.get(qn("w:name")): f.find(qn("w:altName")).get(qn("w:val"))
        for f in root.findall(qn("w:font"))
        if f.find(qn("w:altName")) is not None
    }


def check_quarterly_report_is_addressed_and_closed_as_a_report(demo_files) -> None:
    files, _narrative = demo_files
    docx = open_docx(io.BytesIO(files["quarterly"]["docx"]))
    texts = [p.text for p in docx.paragraphs]
    assert texts[1] == "区人民政府："
    assert docx.paragraphs[1]._p.pPr.ind is None  # flush left, no indent
    closing = texts.index("特此报告。")
    assert texts[closing + 1 :] == ["", "清溪区教育局", docx.paragraphs[-1].text]
    issuer, date = docx.paragraphs[-2], docx.paragraphs[-1]
    issuer_at = int(issuer._p.pPr.ind.get(qn("w:leftChars"))) / 100
    date_at = int(date._p.pPr.ind.get(qn("w:leftChars"))) / 100
    # the date (digits are half a character wide) ends 2 characters in from the right, and
    # starts 2 characters right of the issuer's start
    assert date_at - issuer_at == 2
    assert date_at + display_width(date.text) == 26 and issuer_at + 6 <= 26
    table = docx.tables[0]
    note = next(p.text for p in docx.paragraphs if p.text.startswith("注：整改率＝"))
    assert "上季度结转" in note
    assert "整改率" in [c.text for c in table.rows[0].cells]


def check_xlsx_cells_are_numbers_percentages_and_dates(demo_files) -> None:
    files, _narrative = demo_files
    wb = load_workbook(io.BytesIO(files["quarterly"]["xlsx"]))
    areas = wb["表1 各类安全隐患排查整改情况"]
    total = [c for c in areas[areas.max_row - 1]]
    assert total[0].value == "合计"
    assert all(isinstance(c.value, int) for c in total[1:8])
    assert isinstance(total[8].value, float) and total[8].number_format == "0.0%"
    assert 0 <= total[8].value <= 1
    assert areas.print_title_rows == "$2:$2"
    assert areas.page_setup.fitToWidth == 1 and areas.sheet_properties.pageSetUpPr.fitToPage
    assert areas.page_setup.orientation == "landscape"  # nine columns are wider than A4
    assert areas["B3"].border.left.style == "thin"
    hazards = wb["表4 重大隐患及挂牌督办隐患"]
    deadline = hazards.cell(3, 6)
    assert isinstance(deadline.value, datetime.datetime) and deadline.number_format == "yyyy-mm-dd"
    assert hazards.cell(3, 4).alignment.wrap_text
    charts = [ws for ws in wb.worksheets if ws.title.startswith("图")]
    assert charts and all(len(ws._charts) == 1 for ws in charts)
    assert isinstance(charts[0].cell(3, 2).value, int)


def test_q4_report_counts_the_hazards_carried_over_open(
    bureau, school_a, school_b, september_ledger, bureau_admin
):
    from xiaoan.hazards.models import Hazard

    Hazard.objects.filter(level="major").update(supervised=True)
    report = generate(
        OfficialKind.QUARTERLY, bureau, year=2014, quarter=4, today=datetime.date(2015, 1, 8)
    )
    figures = report.figures
    # Open on 30 Sep and found before October: fire (rectifying), food (major, supervised),
    # school B's vehicle; found in Q4: the lab hazard. None closed by 31 Dec; the three whose
    # deadlines passed (25 Sep, 10 Oct, 1 Dec) are overdue, the reported lab hazard has none.
    assert figures["carried"]["found"] == 3 and figures["new"]["found"] == 1
    assert figures["total"]["found"] == 4 and figures["total"]["open"] == 4
    assert figures["total"]["overdue"] == 3 and figures["supervised_open"] == 1
    assert figures["rectification_rate"] == 0.0
    assert "上季度结转未整改隐患3项，本季度应整改隐患共4项" in report.narrative
    assert "尚未整改4项，其中逾期未整改3项" in report.narrative
    assert "已全部整改销号" not in report.narrative
    docx = open_docx(io.BytesIO(render(build_document(report), "docx")))
    total = [c.text for c in docx.tables[0].rows[-1].cells]
    assert total == ["合计", "3", "1", "4", "0", "4", "3", "1", "0.0%"]


def test_a_code_column_keeps_room_for_its_code_in_a_fallback_font():
    # Table 4 of the quarterly report: a reader without the GB fonts sees letters and digits
    # up to 0.6 of a character wide, and the code must still stand on one line.
    from xiaoan.reports.document import TEXT
    from xiaoan.reports.exports.layout import column_widths_pt

    headers = ["编号", "学校", "隐患情况", "状态", "整改期限", "挂牌督办"]
    row = ["YH-2014-0067", "清溪区梅林幼儿园", "D级危房仍在使用", "整改中", "2014-11-23", "是"]
    widths = column_widths_pt(headers, [row], [TEXT, TEXT, TEXT, TEXT, "date", TEXT], 12)
    assert widths[0] >= len("YH-2014-0067") * 0.6 * 12
    assert widths[4] >= len("2014-11-23") * 0.6 * 12
