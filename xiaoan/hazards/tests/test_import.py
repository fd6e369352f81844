"""Importing the bureau's existing ledger: all rows or none, every bad row by number and reason,
the preview before anything is saved, and the history of each imported hazard."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from xiaoan.core.excel import ExcelError
from xiaoan.core.imports import ImportFailed
from xiaoan.core.models import ChangeLog
from xiaoan.core.tests.xlsx import upload, with_control_character, workbook
from xiaoan.hazards.choices import EventKind, HazardStatus
from xiaoan.hazards.imports import LedgerImporter
from xiaoan.hazards.models import Area, Hazard, HazardCounter

pytestmark = [pytest.mark.django_db, pytest.mark.real_clock]


@pytest.fixture(autouse=True)
def _december_2014():
    with time_machine.travel("2014-12-20 10:00 +0800", tick=False):
        yield


HEADER = [
    "隐患编号",
    "学校代码",
    "整治项目",
    "隐患等级",
    "隐患描述",
    "位置",
    "发现日期",
    "整改意见",
    "整改责任人",
    "整改期限",
    "整改措施",
    "整改资金（元）",
    "销号日期",
]
CLOSED = (
    "YH-2014-0042",
    "S001",
    "消防安全",
    "一般",
    "消防通道堆放杂物",
    "教学楼二楼",
    datetime.date(2014, 9, 3),
    "三日内清理",
    "王校长",
    datetime.date(2014, 9, 10),
    "已清理",
    500,
    datetime.date(2014, 9, 9),
)
OPEN = (
    "",
    "S002",
    "校舍安全",
    "重大",
    "围墙开裂",
    "",
    "2014-10-08",
    "加固",
    "李主任",
    "2014/12/31",
    "",
    "",
    "",
)
REPORTED = (
    "",
    "S001",
    "food",
    "",
    "留样柜温度不足",
    "食堂",
    "2014年11月2日",
    "",
    "",
    "",
    "",
    "",
    "",
)


def ledger(*rows, header=HEADER) -> bytes:
    return workbook(header, *rows, title="隐患台账")


def check(user, *rows, **kwargs):
    return LedgerImporter(user, "台账.xlsx").check(ledger(*rows, **kwargs))


def run(user, *rows, **kwargs):
    importer = LedgerImporter(user, "台账.xlsx")
    plan = importer.check(ledger(*rows, **kwargs))
    return importer.write(plan)


def problems(user, *rows, **kwargs) -> list[str]:
    with pytest.raises(ImportFailed) as failure:
        check(user, *rows, **kwargs)
    return [str(e) for e in failure.value.errors]


@pytest.fixture
def schools(school_a, school_b):
    return school_a, school_b


def test_good_file_creates_every_hazard_in_its_state(bureau_admin, schools):
    result = run(bureau_admin, CLOSED, OPEN, REPORTED)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    closed = Hazard.objects.get(code="YH-2014-0042")
    assert closed.status == HazardStatus.CLOSED
    assert closed.closed_at.date() == datetime.date(2014, 9, 8)  # local midnight, in UTC
    assert (closed.cost, closed.opinion, closed.responsible_person) == (500, "三日内清理", "王校长")
    assert closed.area == Area.objects.get(code="fire")
    major = Hazard.objects.get(description="围墙开裂")
    assert (major.status, major.level, major.deadline) == (
        HazardStatus.ASSIGNED,
        "major",
        datetime.date(2014, 12, 31),
    )
    reported = Hazard.objects.get(description="留样柜温度不足")
    assert reported.status == HazardStatus.REPORTED
    assert reported.found_on == datetime.date(2014, 11, 2)


def test_codes_are_kept_and_the_others_numbered_after_them(bureau_admin, schools):
    run(bureau_admin, CLOSED, OPEN, REPORTED)
    codes = set(Hazard.objects.values_list("code", flat=True))
    assert codes == {"YH-2014-0042", "YH-2014-0043", "YH-2014-0044"}
    assert HazardCounter.objects.get(year=2014).last == 44


def test_a_report_after_the_import_takes_the_next_number(bureau_admin, schools, school_a):
    run(bureau_admin, CLOSED)
    hazard = Hazard.objects.report(
        school=school_a,
        area=Area.objects.get(code="lab"),
        level="general",
        description="试剂柜未上锁",
        reported_by=bureau_admin,
        source="inspection",
    )
    assert hazard.code == "YH-2014-0043"


def test_history_says_who_imported_when_and_from_which_file(bureau_admin, schools):
    run(bureau_admin, CLOSED)
    hazard = Hazard.objects.get(code="YH-2014-0042")
    event = hazard.events.get()
    assert (event.kind, event.actor, event.to_status) == (
        EventKind.IMPORTED,
        bureau_admin,
        HazardStatus.CLOSED,
    )
    assert event.data == {"file": "台账.xlsx", "row": 3}
    entry = ChangeLog.objects.get(object_id=str(hazard.pk), action="import")
    assert entry.user == bureau_admin and entry.after["code"] == "YH-2014-0042"


def test_the_timeline_shows_the_import(as_user, bureau_admin, schools):
    run(bureau_admin, CLOSED)
    hazard = Hazard.objects.get(code="YH-2014-0042")
    page = as_user(bureau_admin).get(reverse("hazards:detail", args=[hazard.pk])).content.decode()
    assert "从Excel导入" in page and "台账.xlsx" in page


def test_importing_the_same_file_again_changes_nothing(bureau_admin, schools):
    run(bureau_admin, CLOSED)
    result = run(bureau_admin, CLOSED)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert Hazard.objects.count() == 1


def test_an_open_hazard_is_updated_and_closed_through_its_write_path(bureau_admin, schools):
    row = ("YH-2014-0050", *OPEN[1:])
    run(bureau_admin, row)
    hazard = Hazard.objects.get(code="YH-2014-0050")
    done = list(row)
    done[HEADER.index("整改措施")] = "已加固"
    done[HEADER.index("销号日期")] = datetime.date(2014, 12, 15)
    plan = check(bureau_admin, done)
    assert [r.action for r in plan.rows] == ["update"]
    plan.importer.write(plan)
    hazard.refresh_from_db()
    assert (hazard.status, hazard.measures, hazard.version) == ("closed", "已加固", 2)
    event = hazard.events.order_by("id").last()
    assert event.kind == EventKind.IMPORTED and event.from_status == "assigned"
    assert event.data["after"]["measures"] == "已加固"


def test_a_closed_hazard_is_not_changed_by_an_import(bureau_admin, schools):
    run(bureau_admin, CLOSED)
    changed = list(CLOSED)
    changed[HEADER.index("隐患描述")] = "另一种描述"
    assert any("已销号或不属实" in p for p in problems(bureau_admin, changed))


def test_a_column_missing_from_the_file_keeps_the_ledger_value(bureau_admin, schools):
    run(bureau_admin, CLOSED)
    header = [h for h in HEADER if h != "整改资金（元）"]
    row = [v for h, v in zip(HEADER, CLOSED, strict=True) if h != "整改资金（元）"]
    result = run(bureau_admin, row, header=header)
    assert result.unchanged == 1
    assert Hazard.objects.get().cost == 500


def test_the_exported_ledger_imports_back_unchanged(as_user, bureau_admin, schools):
    run(bureau_admin, CLOSED, OPEN, REPORTED)
    exported = as_user(bureau_admin).get(reverse("hazards:export")).content
    importer = LedgerImporter(bureau_admin, "export.xlsx")
    plan = importer.check(exported)
    assert plan.counts == {"new": 0, "update": 0, "unchanged": 3}


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("学校代码", "S999", "未知的学校代码“S999”"),
        ("整治项目", "交通安全", "未知的整治项目“交通安全”"),
        ("发现日期", "2014-02-30", "不是真实的日期"),
        ("发现日期", "九月三日", "不是日期"),
        ("发现日期", datetime.date(2015, 1, 1), "晚于今天"),
        ("整改期限", datetime.date(2014, 9, 1), "早于发现日期"),
        ("销号日期", datetime.date(2014, 9, 1), "早于发现日期"),
        ("隐患等级", "特大", "不是可选的值"),
        ("隐患描述", "", "缺少隐患描述"),
        ("隐患描述", "长" * 2001, "最多2000个字符"),
        ("位置", "长" * 201, "最多200个字符"),
        ("整改资金（元）", "-3", "不是大于等于0的数"),
        ("整改资金（元）", "五百", "不是数字"),
        ("位置", "二楼\x7f", "控制字符"),
        ("隐患编号", "YH 2014#1", "隐患编号"),
    ],
)
def test_each_kind_of_bad_row_is_reported_by_number_and_nothing_saved(
    bureau_admin, schools, column, value, reason
):
    bad = list(REPORTED)
    bad[HEADER.index(column)] = value
    found = problems(bureau_admin, CLOSED, bad)
    assert any(p.startswith("第4行：") and reason in p for p in found), found
    assert not Hazard.objects.exists()


def test_a_control_character_as_excel_stores_it_is_refused(bureau_admin, schools):
    row = list(CLOSED)
    row[HEADER.index("位置")] = "Room 201"
    data = with_control_character(ledger(row), "Room 201")
    with pytest.raises(ImportFailed) as failure:
        LedgerImporter(bureau_admin).check(data)
    assert "控制字符" in str(failure.value.errors[0])


def test_status_and_dates_must_agree(bureau_admin, schools):
    header = [*HEADER, "状态"]
    closed_without_date = [*REPORTED[:-1], "", "已销号"]
    date_but_open = [*REPORTED[:-1], datetime.date(2014, 12, 1), "待受理"]
    rectifying_without_deadline = [*REPORTED[:-1], "", "整改中"]
    found = problems(
        bureau_admin, closed_without_date, date_but_open, rectifying_without_deadline, header=header
    )
    assert any(p.startswith("第3行：") and "需要销号日期" in p for p in found), found
    assert any(p.startswith("第4行：") and "状态不是已销号" in p for p in found), found
    assert any(p.startswith("第5行：") and "需要整改期限" in p for p in found), found


def test_duplicates_in_the_file_are_reported(bureau_admin, schools):
    found = problems(bureau_admin, CLOSED, CLOSED, REPORTED, REPORTED)
    assert "第4行：与本文件第3行重复" in found
    assert "第6行：与本文件第5行重复" in found


def test_a_hazard_already_in_the_ledger_without_a_code_is_a_duplicate(bureau_admin, schools):
    run(bureau_admin, REPORTED)
    found = problems(bureau_admin, REPORTED)
    assert any("已在台账中" in p and "YH-2014-0001" in p for p in found), found


def test_a_code_of_another_schools_hazard_is_refused(bureau_admin, schools):
    run(bureau_admin, CLOSED)
    moved = list(CLOSED)
    moved[1] = "S002"
    assert any("是清溪区实验小学的隐患" in p for p in problems(bureau_admin, moved))


def test_every_bad_row_is_listed(bureau_admin, schools):
    bad = list(REPORTED)
    bad[1], bad[2], bad[6] = "S999", "交通", "2014-13-01"
    found = problems(bureau_admin, bad, CLOSED, bad)
    assert {p.split("：")[0] for p in found} == {"第3行", "第5行"}
    assert len(found) == 6


def test_school_by_name_as_the_export_writes_it(bureau_admin, schools):
    header = ["学校", *HEADER[2:]]
    row = ("清溪区第一中学", *REPORTED[2:])
    run(bureau_admin, row, header=header)
    assert Hazard.objects.get().school.code == "S002"


def test_another_districts_school_is_unknown(bureau_admin, schools, other_bureau):
    from xiaoan.schools.models import School

    School.objects.create(bureau=other_bureau, code="S900", name="远山小学", kind="primary")
    bad = ("", "S900", *REPORTED[2:])
    assert any("未知的学校代码“S900”" in p for p in problems(bureau_admin, bad))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"hello, not excel", "不是 Excel 工作簿"),
        (workbook(["随便", "什么"], ["a", "b"]), "未找到表头"),
        (workbook(HEADER), "没有数据行"),
        (workbook(["学校代码", "隐患描述"], ["S001", "x"]), "缺少“整治项目”"),
    ],
)
def test_a_file_that_is_no_ledger_is_refused_with_a_sentence(bureau_admin, schools, data, reason):
    with pytest.raises(ExcelError, match=reason):
        LedgerImporter(bureau_admin).check(data)


def test_a_too_large_sheet_is_refused(bureau_admin, schools, settings):
    from xiaoan.core import excel

    rows = [REPORTED] * 30
    original = excel.MAX_IMPORT_ROWS
    excel.MAX_IMPORT_ROWS = 10
    try:
        with pytest.raises(ExcelError, match="超过10行"):
            LedgerImporter(bureau_admin).check(ledger(*rows))
    finally:
        excel.MAX_IMPORT_ROWS = original


# ---- the pages ---------------------------------------------------------------------------


def test_upload_then_preview_then_confirm(as_user, bureau_admin, schools):
    client = as_user(bureau_admin)
    response = upload(client, reverse("hazards:import"), ledger(CLOSED, OPEN), "旧台账.xlsx")
    assert response.status_code == 302 and response["Location"] == reverse("hazards:import_preview")
    assert not Hazard.objects.exists()  # nothing saved by the upload
    preview = client.get(reverse("hazards:import_preview"))
    page = preview.content.decode()
    assert "旧台账.xlsx" in page and "消防通道堆放杂物" in page and "新增" in page
    assert not Hazard.objects.exists()  # nor by the preview
    done = client.post(reverse("hazards:import_preview"), {"confirm": "1"})
    assert done.status_code == 302 and done["Location"] == reverse("hazards:list")
    assert Hazard.objects.count() == 2
    assert Hazard.objects.get(code="YH-2014-0042").events.get().data["file"] == "旧台账.xlsx"
    # The kept file is gone: the preview sends back to the upload page.
    assert client.get(reverse("hazards:import_preview"))["Location"] == reverse("hazards:import")


def test_preview_marks_updates(as_user, bureau_admin, schools):
    run(bureau_admin, ("YH-2014-0050", *OPEN[1:]))
    client = as_user(bureau_admin)
    changed = ["YH-2014-0050", *OPEN[1:]]
    changed[HEADER.index("整改措施")] = "已加固"
    upload(client, reverse("hazards:import"), ledger(changed, REPORTED))
    page = client.get(reverse("hazards:import_preview")).content.decode()
    assert "更新" in page and "整改措施" in page
    assert 'class="fs-4 fw-bold text-primary">1<' in page


def test_cancel_forgets_the_file(as_user, bureau_admin, schools, settings):
    folder = settings.MEDIA_ROOT / "imports"
    before = set(folder.iterdir()) if folder.exists() else set()
    client = as_user(bureau_admin)
    upload(client, reverse("hazards:import"), ledger(CLOSED))
    kept = set(folder.iterdir()) - before
    assert len(kept) == 1
    client.post(reverse("hazards:import_preview"), {"cancel": "1"})
    assert not Hazard.objects.exists()
    assert not kept & set(folder.iterdir())


def test_bad_rows_are_listed_on_the_upload_page_and_nothing_kept(as_user, bureau_admin, schools):
    client = as_user(bureau_admin)
    bad = list(REPORTED)
    bad[1] = "S999"
    response = upload(client, reverse("hazards:import"), ledger(CLOSED, bad))
    page = response.content.decode()
    assert response.status_code == 200
    assert "第4行：未知的学校代码“S999”" in page and "未导入任何数据" in page
    assert client.get(reverse("hazards:import_preview")).status_code == 302


def test_confirm_checks_again_against_the_ledger_as_it_is_now(as_user, bureau_admin, schools):
    client = as_user(bureau_admin)
    upload(client, reverse("hazards:import"), ledger(REPORTED))
    run(bureau_admin, REPORTED)  # someone imported the same hazard meanwhile
    response = client.post(reverse("hazards:import_preview"), {"confirm": "1"})
    assert "已在台账中" in response.content.decode()
    assert Hazard.objects.count() == 1


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04broken", "代码,名称\n".encode()])
def test_a_bad_file_is_refused_on_the_page(as_user, bureau_admin, schools, data):
    response = upload(as_user(bureau_admin), reverse("hazards:import"), data)
    assert response.status_code == 200
    assert "alert" in response.content.decode() or "invalid-feedback" in response.content.decode()
    assert not Hazard.objects.exists()


def test_the_english_page_says_it_in_english(as_user, bureau_admin, schools):
    client = as_user(bureau_admin)
    client.post(reverse("set_language"), {"language": "en"})
    response = upload(client, reverse("hazards:import"), b"not a workbook")
    assert "The file is not an Excel workbook" in response.content.decode()


def test_the_template_has_chinese_headers_an_example_and_notes(as_user, bureau_admin):
    response = as_user(bureau_admin).get(reverse("hazards:import_template"))
    wb = load_workbook(io.BytesIO(response.content))
    sheet, notes = wb.worksheets
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["隐患编号", "学校代码", "学校名称", "整治项目"]
    assert sheet["A2"].value == "YH-2014-0042"
    assert sheet["D1"].comment is not None
    assert [c.value for c in notes[1]] == ["列名", "必填", "填写说明"]
    assert any("消防安全" in str(c.value) for c in notes["C"])


def test_the_template_fills_in_and_imports(bureau_admin, schools, as_user):
    data = as_user(bureau_admin).get(reverse("hazards:import_template")).content
    plan = LedgerImporter(bureau_admin).check(data)
    assert plan.counts["new"] == 1


@pytest.mark.parametrize("user", ["leader", "gov", "fire", "alice", "carol"])
def test_only_the_bureau_safety_section_imports_the_ledger(request, as_user, schools, user):
    client = as_user(request.getfixturevalue(user))
    assert upload(client, reverse("hazards:import"), ledger(CLOSED)).status_code == 403
    assert client.get(reverse("hazards:import_preview")).status_code == 403
    assert client.get(reverse("hazards:import_template")).status_code == 403
    assert not Hazard.objects.exists()


def test_the_ledger_offers_the_import_to_the_bureau_only(as_user, bureau_admin, alice):
    url = reverse("hazards:import")
    assert url in as_user(bureau_admin).get(reverse("hazards:list")).content.decode()
    assert url not in as_user(alice).get(reverse("hazards:list")).content.decode()
