"""A table that grows with the scope (the major and supervised hazards) is summarised in the
document above `DOCUMENT_TABLE_ROWS` rows, the most pressing first with a totals line and a
note naming the attachment; the attachment's .xlsx holds every row. Below, the table is whole."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
import time_machine
from django.urls import reverse
from docx import Document as open_docx
from openpyxl import load_workbook
from pypdf import PdfReader

from xiaoan.reports.choices import OfficialKind
from xiaoan.reports.exports import render, render_attachment
from xiaoan.reports.official import build_document, generate

pytestmark = pytest.mark.django_db

CAPTION = "重大隐患及挂牌督办隐患"
ROWS = 50  # the default of DOCUMENT_TABLE_ROWS


def _quarter(bureau):
    with time_machine.travel(datetime.datetime(2014, 10, 8, 9, tzinfo=datetime.UTC), tick=False):
        return generate(OfficialKind.QUARTERLY, bureau, year=2014, quarter=3)


@pytest.fixture
def many_major(school_a, school_b, make_hazard):
    """55 major hazards found in September 2014: 40 closed, 15 open (deadlines 1–15 Oct,
    the code order the reverse of the deadlines')."""
    made, september = [], datetime.date(2014, 9, 2)
    for n in range(55):
        school = school_a if n % 2 else school_b
        if n < 15:
            deadline = datetime.date(2014, 10, 15 - n)
            made.append(make_hazard(school, "fire", september, level="major", deadline=deadline))
        else:
            made.append(
                make_hazard(
                    school,
                    "food",
                    datetime.date(2014, 9, 3),
                    "closed",
                    level="major",
                    deadline=datetime.date(2014, 9, 30),
                    closed_at=datetime.datetime(2014, 9, 20, 2, tzinfo=datetime.UTC),
                )
            )
    return made


def _hazard_table(document):
    return next(t for t in document.tables if CAPTION in t.caption)


def test_a_long_hazard_table_shows_the_most_pressing_fifty_and_names_its_attachment(
    bureau, many_major
):
    report = _quarter(bureau)
    document = build_document(report, charts=False)
    table = _hazard_table(document)
    name = f"{bureau.name}2014年第三季度重大隐患及挂牌督办隐患名单"
    assert table.note == (
        f"（共55项，此处列出按未整改在先、整改期限先后排列的前50项，完整名单见附件《{name}》.xlsx）"
    )
    assert len(table.rows) == ROWS + 1
    assert table.rows[-1][0] == "合计"
    assert table.rows[-1] == ["合计", "", "", "共55项", "未整改15项", "", "0项"]
    shown = table.rows[:ROWS]
    # the open ones first, the earliest deadline first: the last made of them comes first
    assert shown[0][0] == many_major[14].code and shown[0][4] != "已整改销号"
    assert [row[5] for row in shown[:15]] == sorted(row[5] for row in shown[:15])
    assert {row[0] for row in shown[:15]} == {h.code for h in many_major[:15]}
    [attachment] = document.attachments
    assert attachment.filename == f"{name}.xlsx"
    assert len(attachment.table.rows) == 55 and attachment.table.caption == table.caption


def test_the_attachment_xlsx_holds_every_row_with_chinese_headers(bureau, many_major):
    document = build_document(_quarter(bureau), charts=False)
    [attachment] = document.attachments
    sheet = load_workbook(io.BytesIO(render_attachment(attachment))).active
    assert sheet["A1"].value == attachment.name
    assert [c.value for c in sheet[2]] == [
        "编号",
        "学校",
        "类别",
        "隐患情况",
        "状态",
        "整改期限",
        "挂牌督办",
    ]
    codes = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert sorted(codes) == sorted(h.code for h in many_major)
    assert sheet.print_title_rows == "$2:$2" and sheet.column_dimensions["D"].width > 8
    assert isinstance(sheet["F3"].value, datetime.datetime)  # the deadline stored as a date


def test_the_word_and_pdf_files_carry_the_summary_and_the_excel_file_the_full_list(
    bureau, many_major
):
    document = build_document(_quarter(bureau))
    word = open_docx(io.BytesIO(render(document, "docx")))
    table = next(t for t in word.tables if t.rows[0].cells[0].text == "编号")
    assert len(table.rows) == 1 + ROWS + 1
    assert any("完整名单见附件《" in p.text for p in word.paragraphs)
    texts = [p.text for p in word.paragraphs]
    [name] = [a.name for a in document.attachments]
    # the attachments' note under the body, then the issuer and the date (GB/T 9704 7.3.4)
    note = texts.index(f"附件：{name}")
    assert texts[note - 1] == "" and texts[note + 2 :] == [document.issuer, document.date_text]
    pdf = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(render(document, "pdf"))).pages
    )
    assert "完整名单见附件" in pdf.replace("\n", "")
    assert "附件：" in pdf
    workbook = load_workbook(io.BytesIO(render(document, "xlsx")))
    full = workbook["附件1"]
    assert full.max_row - 2 == 55


def test_below_the_threshold_the_table_is_whole(bureau, september_ledger, make_hazard, school_a):
    document = build_document(_quarter(bureau), charts=False)
    table = _hazard_table(document)
    assert table.note == "" and document.attachments == []
    assert [row[0] for row in table.rows] == sorted(row[0] for row in table.rows)
    assert all(row[0] != "合计" for row in table.rows)
    word = open_docx(io.BytesIO(render(document, "docx")))
    assert not any(p.text.startswith("附件：") for p in word.paragraphs)


def test_several_attachments_are_numbered_and_a_long_name_hangs_under_its_first_character():
    from xiaoan.reports.exports.layout import attachment_lines

    assert attachment_lines(["甲名单"]) == [("附件：甲名单", 5.0, -3.0)]
    assert attachment_lines(["甲名单", "乙名单"]) == [
        ("附件：1.甲名单", 6.0, -4.0),
        ("2.乙名单", 6.0, -1.0),
    ]


def test_the_threshold_is_one_setting(bureau, september_ledger, settings):
    settings.DOCUMENT_TABLE_ROWS = 0
    document = build_document(_quarter(bureau), charts=False)
    table = _hazard_table(document)
    assert table.rows == [table.rows[-1]] and table.rows[-1][0] == "合计"
    assert "此处列出按未整改在先、整改期限先后排列的前0项" in table.note


def test_the_page_offers_the_full_list_and_only_to_those_who_read_the_document(
    as_user, bureau, bureau_admin, outsider, many_major
):
    report = _quarter(bureau)
    link = reverse("reports:official_list_file", args=[report.pk, 1])
    page = as_user(bureau_admin).get(report.get_absolute_url()).content.decode()
    assert link in page and "重大隐患及挂牌督办隐患名单.xlsx" in page
    response = as_user(bureau_admin).get(link)
    assert response.status_code == 200
    assert response["Content-Type"].endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row - 2 == 55
    assert (
        as_user(bureau_admin)
        .get(reverse("reports:official_list_file", args=[report.pk, 2]))
        .status_code
        == 404
    )
    assert as_user(outsider).get(link).status_code == 404


def test_a_page_without_a_long_table_offers_no_list(
    as_user, bureau, bureau_admin, september_ledger
):
    report = _quarter(bureau)
    page = as_user(bureau_admin).get(report.get_absolute_url()).content.decode()
    assert "/lists/" not in page
    assert (
        as_user(bureau_admin)
        .get(reverse("reports:official_list_file", args=[report.pk, 1]))
        .status_code
        == 404
    )


def test_a_background_job_gives_the_document_and_its_lists_in_one_zip(
    as_user, bureau, bureau_admin, many_major, settings, django_capture_on_commit_callbacks
):
    from xiaoan.core.models import Job
    from xiaoan.core.tests.test_jobs import run_queued_jobs

    settings.BACKGROUND_DOCUMENT_SCHOOLS = 0
    report = _quarter(bureau)
    client = as_user(bureau_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("reports:official_download", args=[report.pk, "docx"]))
    run_queued_jobs()
    job = Job.objects.get()
    assert job.status == "done", job.error
    assert job.filename == f"{report.title}.zip"
    archive = zipfile.ZipFile(io.BytesIO(job.file.read()))
    [attachment] = build_document(report, charts=False).attachments
    assert sorted(archive.namelist()) == sorted([f"{report.title}.docx", attachment.filename])
    sheet = load_workbook(io.BytesIO(archive.read(attachment.filename))).active
    assert sheet.max_row - 2 == 55


def test_the_api_row_links_the_full_list_and_gives_it(
    as_user, bureau, bureau_admin, alice, many_major
):
    report = _quarter(bureau)
    [attachment] = build_document(report, charts=False).attachments
    client = as_user(bureau_admin)
    downloads = client.get(f"/api/v1/official-reports/{report.pk}/").json()["downloads"]
    link = f"/api/v1/official-reports/{report.pk}/lists/1/"
    assert downloads[attachment.filename] == link
    response = client.get(link)
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).active.max_row - 2 == 55
    assert client.get(f"/api/v1/official-reports/{report.pk}/lists/2/").status_code == 404
    assert as_user(alice).get(link).status_code == 404
