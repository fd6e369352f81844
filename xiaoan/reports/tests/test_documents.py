"""The official documents: the Word file opened again, the PDF's text, the demo's figures."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from docx import Document as open_docx
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook
from pypdf import PdfReader

from xiaoan.reports.choices import OfficialKind
from xiaoan.reports.document import chinese_number
from xiaoan.reports.exports import render
from xiaoan.reports.official import build_document, generate

pytestmark = pytest.mark.django_db

SEED_OPENING = (
    "全区37所中小学（其中民工子弟学校3所）、42家幼托机构共发现安全隐患103项，"
    "其中学生接送车安全项目8项，校舍安全29项，消防安全29项，食品卫生安全14项，"
    "实验室及危险化学品安全12项，校园安保及周边环境11项。"
)


@pytest.fixture
def demo(db):
    from xiaoan.campaigns import demo as campaigns
    from xiaoan.hazards import demo as hazards
    from xiaoan.schools import demo as schools

    schools.load()
    campaigns.load()
    hazards.load()
    return campaigns.demo_campaign()


@pytest.fixture
def quarterly(bureau, september_ledger, kindergarten):
    with time_machine.travel(datetime.datetime(2014, 10, 8, 9, tzinfo=datetime.UTC), tick=False):
        return generate(OfficialKind.QUARTERLY, bureau, year=2014, quarter=3)


def test_chinese_heading_numbers():
    assert [chinese_number(n) for n in (1, 9, 10, 12, 20, 23)] == [
        "一",
        "九",
        "十",
        "十二",
        "二十",
        "二十三",
    ]


def test_chinese_heading_numbers_past_ninety_nine():
    """A province's collected summary has a first-level heading for each of its districts."""
    numbers = (99, 100, 101, 110, 111, 120, 305, 1000, 1001, 1010, 2345)
    assert [chinese_number(n) for n in numbers] == [
        "九十九",
        "一百",
        "一百零一",
        "一百一十",
        "一百一十一",
        "一百二十",
        "三百零五",
        "一千",
        "一千零一",
        "一千零一十",
        "二千三百四十五",
    ]


def test_a_document_takes_more_than_ninety_nine_first_level_headings():
    """A province's collected summary: one heading a district, 100 districts and more."""
    from xiaoan.reports.document import Document

    document = Document(title="各地情况总结材料", issuer="省教育厅", date_text="2026年12月4日")
    for n in range(1, 102):
        document.heading(1, f"第{n}区")
    assert [block.text for block in document.blocks[-2:]] == ["一百、第100区", "一百零一、第101区"]


def test_campaign_summary_states_the_hazard_tally_in_the_seeds_words(demo):
    report = generate(OfficialKind.CAMPAIGN_SUMMARY, demo.bureau, campaign=demo)
    assert SEED_OPENING in report.narrative
    assert report.title == "2014年清溪区教育系统学校安全专项行动情况总结材料"
    assert report.figures["total"]["found"] == 103
    docx = open_docx(io.BytesIO(render(build_document(report), "docx")))
    assert any(SEED_OPENING in p.text for p in docx.paragraphs)
    by_area = docx.tables[0]
    assert [c.text for c in by_area.rows[-1].cells][:2] == ["合计", "103"]


def test_quarterly_docx_has_the_official_layout_and_the_counted_tables(quarterly):
    docx = open_docx(io.BytesIO(render(build_document(quarterly), "docx")))
    section = docx.sections[0]
    sizes = [
        section.page_width,
        section.page_height,
        section.top_margin,
        section.bottom_margin,
        section.left_margin,
        section.right_margin,
    ]
    assert [round(size.mm) for size in sizes] == [210, 297, 37, 35, 28, 26]
    body = docx.styles["Normal"]
    assert body.font.size == Pt(16)
    assert body.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    texts = [p.text for p in docx.paragraphs]
    assert texts[0] == "清溪区教育局关于2014年\n第三季度学校安全工作情况的报告"
    assert texts[1] == "区人民政府："
    assert "一、隐患排查整改情况" in texts and "二、主要工作" not in texts[:3]
    assert texts[-4:] == ["特此报告。", "", "清溪区教育局", "2014年10月8日"]
    for paragraph in docx.paragraphs:
        for run in (r for r in paragraph.runs if r.text):  # the chart's run holds no text
            assert run.element.rPr.rFonts.get(qn("w:eastAsia")), run.text
    areas = docx.tables[0]
    assert [c.text for c in areas.rows[0].cells] == [
        "类别",
        "上季度结转",
        "本季度新发现",
        "应整改",
        "已整改销号",
        "未整改",
        "其中逾期",
        "挂牌督办",
        "整改率",
    ]
    assert areas.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    rows = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in areas.rows[1:]}
    # Q3 on 30 Sep: fire 2 (1 closed, 1 overdue), food 1 major, building 1 (found in August,
    # closed 3 Sep), school B's vehicle 1; October's lab hazard is not in the quarter.
    assert rows["消防安全"] == ["0", "2", "2", "1", "1", "1", "0", "50.0%"]
    assert rows["食品卫生安全"] == ["0", "1", "1", "0", "1", "0", "0", "0.0%"]
    assert rows["校舍安全"] == ["0", "1", "1", "1", "0", "0", "0", "100.0%"]
    assert rows["实验室及危险化学品安全"] == ["0", "0", "0", "0", "0", "0", "0", "100.0%"]
    assert rows["合计"] == ["0", "5", "5", "2", "3", "1", "0", "40.0%"]
    footer = docx.sections[0].footer.paragraphs[0]
    assert footer.text.startswith("— ") and footer.text.endswith(" —")
    assert "PAGE" in footer._p.xml
    months = docx.tables[2]
    assert [c.text for c in months.rows[0].cells] == [
        "月份",
        "新发现",
        "整改销号",
        "月末未整改",
        "月末逾期",
    ]
    # July nothing; August the building hazard (open, its deadline 1 Sep not yet passed);
    # September 4 found, 2 closed (fire, building), 3 open at its end, the fire one overdue.
    assert [[c.text for c in r.cells] for r in months.rows[1:]] == [
        ["2014年7月", "0", "0", "0", "0"],
        ["2014年8月", "1", "0", "1", "0"],
        ["2014年9月", "4", "2", "3", "1"],
    ]
    assert len(docx.inline_shapes) == 2  # the chart by area and the monthly chart
    captions = [p.text for p in docx.paragraphs if p.text.startswith("图")]
    assert captions == ["图1 各类安全隐患排查整改情况", "图2 各月隐患排查整改情况"]
    # Headings are kept with the next paragraph and are in Word's outline at their level.
    levels = {}
    for paragraph in docx.paragraphs:
        outline = (
            paragraph._p.pPr.find(qn("w:outlineLvl")) if paragraph._p.pPr is not None else None
        )
        if outline is not None:
            levels[paragraph.text] = outline.get(qn("w:val"))
            assert paragraph.paragraph_format.keep_with_next
    assert levels["一、隐患排查整改情况"] == "0" and levels["二、主要工作"] == "0"
    assert docx.paragraphs[-3].paragraph_format.keep_with_next  # the blank before the issuer


def test_quarterly_pdf_text_carries_the_figures(quarterly):
    reader = PdfReader(io.BytesIO(render(build_document(quarterly), "pdf")))
    text = "".join(page.extract_text() for page in reader.pages)
    flat = text.replace("\n", "").replace(" ", "")
    assert "2014年第三季度" in flat
    assert "全区2所中小学、1家幼托机构新排查发现安全隐患5项" in flat
    assert "整改率40%" in flat and "区人民政府：" in flat and "特此报告。" in flat
    assert "—1—" in flat
    assert "图2各月隐患排查整改情况" in flat
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)


def test_quarterly_xlsx_has_a_sheet_per_table(quarterly):
    wb = load_workbook(io.BytesIO(render(build_document(quarterly), "xlsx")))
    assert wb.sheetnames[0] == "正文"
    areas = wb.worksheets[1]
    assert [c.value for c in areas[2]][:3] == ["类别", "上季度结转", "本季度新发现"]
    assert [c.value for c in areas[areas.max_row - 1]][:3] == ["合计", 0, 5]
    assert areas.cell(areas.max_row, 1).value.startswith("注：整改率＝")


def test_edited_narrative_is_what_the_document_says(quarterly, bureau_admin):
    quarterly.edit(bureau_admin, title=quarterly.title, narrative="# 总体情况\n本季度平稳。")
    quarterly.issue(bureau_admin)
    document = build_document(quarterly)
    assert [getattr(b, "text", None) for b in document.blocks[:2]] == [
        "一、总体情况",
        "本季度平稳。",
    ]
    assert document.tables  # the tables are appended when the mark was removed


def test_report_command_writes_each_format(quarterly, tmp_path):
    for fmt in ("docx", "pdf", "xlsx"):
        out = tmp_path / f"q3.{fmt}"
        call_command(
            "report",
            "quarterly",
            "--year",
            "2014",
            "--quarter",
            "3",
            "--format",
            fmt,
            "--output",
            str(out),
            "--no-progress",
            stdout=io.StringIO(),
        )
        assert out.stat().st_size > 1000
    title = open_docx(str(tmp_path / "q3.docx")).paragraphs[0].text
    assert title.replace("\n", "") == quarterly.title


def test_demo_reports_are_complete_and_idempotent(demo):
    from xiaoan.registers import demo as registers_demo
    from xiaoan.reports import demo as reports_demo
    from xiaoan.reports.models import MonthlyReport, MonthlyReportEvent, OfficialReport
    from xiaoan.reports.official import compliance_counts

    registers_demo.load()  # the key measures come from the registers
    reports_demo.load()
    counts = MonthlyReport.objects.count(), OfficialReport.objects.count()
    reports_demo.load()
    assert (MonthlyReport.objects.count(), OfficialReport.objects.count()) == counts
    months = [
        compliance_counts(demo.bureau_id, 2014, m, datetime.date(2015, 1, 20))
        for m in (9, 10, 11, 12)
    ]
    assert all(m["expected"] == 79 for m in months)
    assert all(m["on_time"] > 60 and 0 < m["late"] and 0 < m["missing"] < 6 for m in months)
    assert MonthlyReportEvent.objects.filter(kind="returned").count() == 1
    issued = OfficialReport.objects.filter(status="issued").order_by("quarter")
    assert [(r.year, r.quarter) for r in issued] == [(2014, 3), (2014, 4)]
    summary = OfficialReport.objects.get(kind="campaign_summary")
    assert SEED_OPENING in summary.narrative
    assert "全区现有辅警118名" in summary.narrative
    assert "落实物防技防经费350万元" in summary.narrative


def test_pdf_keeps_each_heading_with_the_paragraph_after_it(quarterly):
    from xiaoan.reports.exports.pdf import document_html

    html = document_html(build_document(quarterly))
    assert '<div class="keep"><p class="h h1" id="h2">二、主要工作</p><p>本季度' in html
    # the last paragraph stands with the issuer and the date
    closing = html.split('<div class="closing">')[1]
    assert closing.index("三是") < closing.index("清溪区教育局") < closing.index("2014年10月8日")


def test_problem_paragraph_names_overdue_hazards_only_when_there_are_some():
    from xiaoan.reports.marks import plain
    from xiaoan.reports.narrative import _quarter_problems

    areas = [{"name": "消防安全", "open": 2}, {"name": "校舍安全", "open": 1}]
    late = plain(_quarter_problems({"total": {"open": 3, "overdue": 1}, "areas": areas})[0])
    in_time = plain(_quarter_problems({"total": {"open": 3, "overdue": 0}, "areas": areas})[0])
    assert "其中1项已超过整改期限" in late
    assert "超过整改期限" not in in_time and "均在整改期限内" in in_time
    assert in_time.startswith("仍有3项隐患尚未整改销号，主要集中在消防安全、校舍安全方面")


def test_incidents_are_a_sentence_of_their_own_with_none_for_zero():
    from xiaoan.reports.marks import plain
    from xiaoan.reports.narrative import incidents_sentence

    assert (
        plain(incidents_sentence(2, 0, "本季度"))
        == "本季度全区发生安全事故2起，无重大安全责任事故。"
    )
    assert plain(incidents_sentence(0, 0, "本季度")) == "本季度全区无安全事故发生。"
    assert (
        plain(incidents_sentence(1, 1, "本季度"))
        == "本季度全区发生安全事故1起，其中重大责任事故1起。"
    )


def test_report_command_draws_a_progress_bar_on_stderr(quarterly, tmp_path, capsys):
    out = tmp_path / "q3.pdf"
    call_command(
        "report",
        "quarterly",
        "--year",
        "2014",
        "--quarter",
        "3",
        "--format",
        "pdf",
        "--output",
        str(out),
        "--fresh",
    )
    captured = capsys.readouterr()
    assert "1/6 figures" in captured.err and "6/6 write" in captured.err
    assert "[" + "#" * 30 + "]" in captured.err
    assert str(out) in captured.out and out.read_bytes().startswith(b"%PDF")


def test_quarter_counts_only_the_months_whose_reports_are_due(school_a, school_b, alice):
    from xiaoan.reports.models import MonthlyReport
    from xiaoan.reports.official import quarterly_figures

    with time_machine.travel(datetime.datetime(2014, 11, 3, 2, tzinfo=datetime.UTC)):
        MonthlyReport.for_month(school_a, 2014, 10).submit(alice)
    with time_machine.travel(datetime.datetime(2014, 11, 28, 2, tzinfo=datetime.UTC)):
        MonthlyReport.for_month(school_a, 2014, 11).submit(alice)
    figures = quarterly_figures(school_a.bureau_id, 2014, 4, datetime.date(2014, 11, 29))
    # November's reports are due on 5 December: the early one is not yet counted, nor the
    # schools that have not sent theirs.
    assert [
        (m["month"], m["expected"], m["on_time"], m["missing"]) for m in figures["compliance"]
    ] == [("2014年10月", 2, 1, 1)]
