"""Excel import: all rows or none, every bad row reported by number and reason."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from xiaoan.core.excel import ExcelError
from xiaoan.schools.importer import ImportFailed, import_schools
from xiaoan.schools.models import School

pytestmark = pytest.mark.django_db
HEADER = ["代码", "名称", "类型", "地址", "校长", "电话", "在校人数", "寄宿", "民办"]


def xlsx(*rows, title: str | None = "学校名录") -> bytes:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(HEADER)
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


GOOD = [
    ("S101", "清溪区东门小学", "小学", "东门路1号", "王校长", "0571-88880001", 640, "否", "否"),
    ("S102", "清溪区春苗幼儿园", "幼儿园/托幼机构", "", "李园长", "", 180, "否", "是"),
]


def test_good_file_creates_every_school(bureau):
    result = import_schools(xlsx(*GOOD), bureau)
    assert (result.created, result.updated) == (2, 0)
    kindergarten = School.objects.get(code="S102")
    assert (
        kindergarten.kind == "kindergarten"
        and kindergarten.private
        and kindergarten.enrolment == 180
    )


def test_importing_again_updates_instead_of_duplicating(bureau):
    import_schools(xlsx(*GOOD), bureau)
    changed = ("S101", "清溪区东门小学", "小学", "东门路1号", "新校长", "", 700, "否", "否")
    result = import_schools(xlsx(changed, GOOD[1]), bureau)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert School.objects.filter(bureau=bureau).count() == 2
    assert School.objects.get(code="S101").principal == "新校长"


def test_exported_file_imports_back_unchanged(as_user, bureau_admin, bureau, school_a, school_b):
    exported = as_user(bureau_admin).get(reverse("schools:export")).content
    result = import_schools(exported, bureau)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (("", "无代码学校", "小学", "", "", "", 1, "否", "否"), "缺少代码"),
        (("S201", "", "小学", "", "", "", 1, "否", "否"), "缺少名称"),
        (("S201", "某学校", "大学", "", "", "", 1, "否", "否"), "“大学”不是可选的值"),
        (("S201", "某学校", "小学", "", "", "", "很多", "否", "否"), "不是整数"),
        (("S201", "某学校", "小学", "", "", "", 1, "也许", "否"), "不是“是/否”"),
        (("S201", "某学校", "小学", "", "", "abc", 1, "否", "否"), "电话号码格式不对"),
    ],
)
def test_each_kind_of_bad_row_is_reported_and_nothing_saved(bureau, row, reason):
    with pytest.raises(ImportFailed) as failure:
        import_schools(xlsx(GOOD[0], row), bureau)
    messages = [str(e) for e in failure.value.errors]
    assert any(m.startswith("第4行：") and reason in m for m in messages), messages
    assert not School.objects.exists()


def test_duplicate_codes_in_the_file_are_reported(bureau):
    with pytest.raises(ImportFailed) as failure:
        import_schools(
            xlsx(GOOD[0], ("S101", "另一所小学", "小学", "", "", "", 1, "否", "否")), bureau
        )
    assert "第4行：与本文件第3行重复" in [str(e) for e in failure.value.errors]


def test_name_taken_by_another_school_is_reported(bureau, school_a):
    with pytest.raises(ImportFailed) as failure:
        import_schools(xlsx(("S301", school_a.name, "小学", "", "", "", 1, "否", "否")), bureau)
    assert "已有其他学校（S001）使用该名称" in str(failure.value.errors[0])


def test_every_bad_row_is_listed(bureau):
    bad = ("", "", "大学", "", "", "", "x", "?", "否")
    with pytest.raises(ImportFailed) as failure:
        import_schools(xlsx(bad, GOOD[0], bad), bureau)
    rows = {e.row for e in failure.value.errors}
    assert rows == {3, 5}
    assert len(failure.value.errors) == 10


def test_a_non_excel_file_is_refused(bureau):
    with pytest.raises(ExcelError, match="不是 Excel 工作簿"):
        import_schools("代码,名称\nS1,某校\n".encode(), bureau)


def test_a_damaged_excel_file_is_refused(bureau):
    broken = xlsx(*GOOD)[:400]
    with pytest.raises(ExcelError):
        import_schools(broken, bureau)


def test_a_workbook_without_rows_is_refused(bureau):
    with pytest.raises(ExcelError, match="没有数据行"):
        import_schools(xlsx(), bureau)


def test_a_workbook_without_header_is_refused(bureau):
    wb = Workbook()
    wb.active.append(["随便", "什么"])
    buffer = io.BytesIO()
    wb.save(buffer)
    with pytest.raises(ExcelError, match="未找到表头"):
        import_schools(buffer.getvalue(), bureau)


def upload(client, data: bytes, name: str = "schools.xlsx", **options):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("schools:import"), {"file": file, **options})


def test_upload_page_previews_then_imports_a_good_file(as_user, bureau_admin):
    client = as_user(bureau_admin)
    response = upload(client, xlsx(*GOOD))
    assert response["Location"] == reverse("schools:import_preview")
    page = client.get(response["Location"]).content.decode()
    assert "清溪区春苗幼儿园" in page and "新增" in page
    assert not School.objects.exists()  # nothing is saved before the confirmation
    done = client.post(reverse("schools:import_preview"), {"confirm": "1"})
    assert done["Location"] == reverse("schools:list")
    assert School.objects.count() == 2


def test_a_cancelled_preview_saves_nothing(as_user, bureau_admin):
    client = as_user(bureau_admin)
    upload(client, xlsx(*GOOD))
    client.post(reverse("schools:import_preview"), {"cancel": "1"})
    assert client.post(reverse("schools:import_preview"), {"confirm": "1"}).status_code == 302
    assert not School.objects.exists()


def test_the_template_has_the_export_columns_and_imports(as_user, bureau_admin, bureau):
    from openpyxl import load_workbook

    response = as_user(bureau_admin).get(reverse("schools:import_template"))
    headers = [c.value for c in load_workbook(io.BytesIO(response.content)).worksheets[0][1]]
    assert headers == [*HEADER[:8], "食堂", HEADER[8], "入册日期"]
    result = import_schools(response.content, bureau, user=bureau_admin)
    assert result.created == 1


def test_upload_page_lists_bad_rows(as_user, bureau_admin):
    response = upload(
        as_user(bureau_admin), xlsx(GOOD[0], ("S201", "", "小学", "", "", "", 1, "否", "否"))
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "第4行：缺少名称" in page and "未导入任何数据" in page
    assert not School.objects.exists()


def test_upload_page_refuses_an_empty_file(as_user, bureau_admin):
    response = upload(as_user(bureau_admin), b"")
    assert response.status_code == 200
    assert not School.objects.exists()


def test_upload_page_refuses_a_text_file(as_user, bureau_admin):
    response = upload(as_user(bureau_admin), b"hello", name="schools.xlsx")
    assert "不是 Excel 工作簿" in response.content.decode()


def test_school_admin_cannot_import(as_user, alice):
    assert upload(as_user(alice), xlsx(*GOOD)).status_code == 403
    assert not School.objects.filter(code="S101").exists()


def test_command_imports_and_reports_bad_rows(bureau, tmp_path, capsys):
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx(*GOOD))
    call_command("import-schools", str(good))
    assert School.objects.count() == 2
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx(("S301", "", "小学", "", "", "", 1, "否", "否")))
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import-schools", str(bad))
    assert "第3行：缺少名称" in capsys.readouterr().err


def test_import_is_logged_once_per_changed_school(bureau, bureau_admin):
    from xiaoan.core.models import ChangeLog

    import_schools(xlsx(*GOOD), bureau, user=bureau_admin)
    import_schools(xlsx(*GOOD), bureau, user=bureau_admin)
    entries = ChangeLog.objects.filter(action="import")
    assert entries.count() == 2
    assert {e.user for e in entries} == {bureau_admin}


def test_the_registry_date_comes_in_so_past_periods_count_the_school(bureau):
    import datetime

    from openpyxl import Workbook

    from xiaoan.core.dates import local_today

    def sheet(*rows) -> bytes:
        wb = Workbook()
        wb.active.append([*HEADER, "入册日期"])
        for row in rows:
            wb.active.append(list(row))
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()

    import_schools(sheet((*GOOD[0], "1998-09-01"), (*GOOD[1], "")), bureau)
    old, new = School.objects.get(code="S101"), School.objects.get(code="S102")
    assert old.opened_on == datetime.date(1998, 9, 1)
    assert new.opened_on == local_today()  # empty: on the registry from today
    assert list(School.objects.as_of(datetime.date(2014, 9, 30))) == [old]
    result = import_schools(sheet((*GOOD[0], "")), bureau)  # empty keeps the day it has
    assert result.unchanged == 1
    with pytest.raises(ImportFailed) as failure:
        import_schools(sheet((*GOOD[0], "2099-01-01")), bureau)
    assert [str(e) for e in failure.value.errors] == [
        "第2行：入册日期2099-01-01晚于今天，或不早于移出名录的日期"
    ]


def test_empty_yes_no_cells_and_a_sheet_without_those_columns_mean_no(bureau):
    """The template says “empty: 否”: an empty 寄宿 cell, or a sheet of only the required
    columns, imports as not boarding and not private."""
    import_schools(xlsx(("S101", "清溪区东门小学", "小学", "", "", "", 640, "", "")), bureau)
    wb = Workbook()
    wb.active.append(["代码", "名称", "类型"])
    wb.active.append(["S103", "清溪区西门小学", "小学"])
    buffer = io.BytesIO()
    wb.save(buffer)
    import_schools(buffer.getvalue(), bureau)
    for code in ("S101", "S103"):
        school = School.objects.get(code=code)
        assert (school.boarding, school.private, school.canteen) == (False, False, False)


def test_an_empty_canteen_cell_keeps_the_school_canteen(bureau):
    import_schools(xlsx(*GOOD), bureau)
    School.objects.filter(code="S101").update(canteen=True)
    import_schools(xlsx(*GOOD), bureau)
    assert School.objects.get(code="S101").canteen


MIXED = [
    ("S101", "清溪区东门小学", "小学", "东门路1号", "新校长", "", 700, "否", "否"),  # changed
    GOOD[1],  # unchanged
    ("S103", "清溪区西门初中", "初中", "西门路2号", "赵校长", "13800138000", 900, "是", "否"),
]
BAD = [
    ("S104", "清溪区春苗幼儿园", "小学", "", "", "", 1, "否", "否"),
    ("S105", "清溪区南门小学", "小学", "", "", "abc", 1, "否", "否"),
    ("S103", "清溪区北门小学", "小学", "", "", "", 1, "否", "否"),
    ("S106", "清溪区西门初中", "大学", "", "", "", "x", "否", "否"),
]


def test_a_batch_of_new_changed_unchanged_and_bad_rows(bureau, bureau_admin):
    """The batched write keeps the per-row results: every bad row with its reasons (nothing
    saved), then new, updated and unchanged schools, each written one change-log row."""
    from xiaoan.core.models import ChangeLog

    import_schools(xlsx(*GOOD), bureau, user=bureau_admin)
    with pytest.raises(ImportFailed) as failure:
        import_schools(xlsx(*MIXED, *BAD), bureau, user=bureau_admin, open_accounts=True)
    assert [str(e) for e in failure.value.errors] == [
        "第6行：名称与第4行重复",
        "第6行：已有其他学校（S102）使用该名称",
        "第7行：电话：电话号码格式不对：手机号为11位数字（如13812345678），座机须带区号"
        "（如0571-88888888，分机号接在短横后，如0571-88888888-123）。",
        "第8行：与本文件第5行重复",
        "第9行：类型：“大学”不是可选的值",
        "第9行：在校人数：“x”不是整数",
        "第9行：名称与第5行重复",
    ]
    assert School.objects.count() == 2 and ChangeLog.objects.filter(action="import").count() == 2
    assert School.objects.get(code="S101").principal == "王校长"

    result = import_schools(xlsx(*MIXED), bureau, user=bureau_admin)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    s101, s102, s103 = School.objects.order_by("code")
    assert (s101.principal, s101.phone, s101.enrolment, s101.version) == ("新校长", "", 700, 2)
    assert (s102.version, s103.kind, s103.boarding, s103.phone) == (
        1,
        "junior",
        True,
        "13800138000",
    )
    latest = ChangeLog.objects.filter(action="import", user=bureau_admin).order_by("-pk")[:2]
    by_object = {entry.object_id: entry for entry in latest}
    update, created = by_object[str(s101.pk)], by_object[str(s103.pk)]
    assert update.before == {"principal": "王校长", "phone": "0571-88880001", "enrolment": 640}
    assert update.after == {"principal": "新校长", "phone": "", "enrolment": 700}
    assert created.before is None and created.after["name"] == "清溪区西门初中"
    assert {update.bureau_id, created.bureau_id} == {bureau.pk}


def numbered(count: int, first: int = 0, principal: str = "王校长") -> list[tuple]:
    return [
        (f"S{n:04d}", f"清溪区第{n}学校", "小学", "", principal, "", n, "否", "否")
        for n in range(first, first + count)
    ]


def test_the_queries_of_an_import_do_not_grow_with_its_rows(
    bureau, bureau_admin, django_assert_max_num_queries
):
    """Checked and written in batches: 200 rows (updates, new schools and their accounts)
    take the statements of 20 — on SQLite a few more, since it binds at most 999 values a
    statement and so sends a batch of 500 schools as statements of some 60: at most one more
    statement per ten rows (it was seven or more per row)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xiaoan.accounts.models import Membership

    import_schools(xlsx(*numbered(10)), bureau, user=bureau_admin)
    with CaptureQueriesContext(connection) as small:
        import_schools(
            xlsx(*numbered(20, principal="李校长")), bureau, bureau_admin, open_accounts=True
        )
    with django_assert_max_num_queries(len(small) + (200 - 20) // 10):
        result = import_schools(
            xlsx(*numbered(200, principal="张校长")),
            bureau,
            bureau_admin,
            open_accounts=True,
        )
    assert (result.created, result.updated, result.unchanged) == (180, 20, 0)
    assert Membership.objects.filter(role="school_admin", bureau=bureau).count() == 200
