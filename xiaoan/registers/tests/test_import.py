"""Importing the registers kept in Excel: vehicles, drivers, security staff, police rooms,
responsibility letters and special-group children — good files, each kind of bad row, the
preview and confirmation, and who may import for which school."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from xiaoan.core.imports import ImportFailed
from xiaoan.core.models import ChangeLog
from xiaoan.core.tests.xlsx import upload, workbook
from xiaoan.registers import models
from xiaoan.registers.imports import IMPORTERS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _december_2014():
    with time_machine.travel("2014-12-20 10:00 +0800", tick=False):
        yield


D = datetime.date
VEHICLES = [
    "学校代码",
    "车牌号",
    "核定座位数",
    "车辆所有人",
    "是否校车",
    "校车标牌号",
    "下次年检日期",
    "保险到期日",
]
VEHICLE = ("S001", "浙A·12345", 19, "清溪客运", "是", "XC-2014-001", D(2015, 3, 1), D(2015, 6, 30))
DRIVERS = [
    "学校代码",
    "姓名",
    "驾驶证号",
    "准驾车型",
    "驾驶证有效期至",
    "出生日期",
    "驾龄（年）",
    "车牌号",
]
DRIVER = (
    "S001",
    "张师傅",
    "330102197001011234",
    "A1",
    D(2020, 1, 1),
    D(1970, 1, 1),
    15,
    "浙A·12345",
)
STAFF = ["学校代码", "姓名", "类别", "岗位", "电话", "到岗日期", "离岗日期"]
GUARD = ("S001", "李保安", "保安员", "校门岗", "13812345678", D(2014, 3, 1), "")
ROOMS = ["学校代码", "警务室名称", "所属派出所", "负责民警", "建立日期"]
ROOM = ("S001", "实验小学警务室", "东门派出所", "赵警官", D(2014, 9, 1))
LETTERS = ["学校代码", "年度", "责任书层级", "签发单位", "签订人", "签订日期"]
LETTER = ("S001", 2014, "教育局 → 学校", "清溪区教育局", "王校长", D(2014, 3, 1))
CHILDREN = ["学校代码", "姓名", "班级", "类别", "监护人", "监护人电话", "结对教师"]
CHILD = ("S001", "小明", "三(2)班", "留守儿童", "小明奶奶", "13912345678", "陈老师")

GOOD = {
    "vehicles": (VEHICLES, VEHICLE),
    "drivers": (DRIVERS, DRIVER),
    "security-staff": (STAFF, GUARD),
    "police-rooms": (ROOMS, ROOM),
    "letters": (LETTERS, LETTER),
    "special-groups": (CHILDREN, CHILD),
}
MODELS = {
    "vehicles": models.Vehicle,
    "drivers": models.Driver,
    "security-staff": models.SecurityStaff,
    "police-rooms": models.PoliceRoom,
    "letters": models.ResponsibilityLetter,
    "special-groups": models.SpecialGroupChild,
}


@pytest.fixture
def schools(school_a, school_b):
    return school_a, school_b


@pytest.fixture
def vehicle(school_a):
    return models.Vehicle.objects.create(
        school=school_a,
        plate="浙A·12345",
        seats=19,
        owner="清溪客运",
        bus_licence_no="XC-2014-001",
        inspection_due=D(2015, 3, 1),
        insurance_due=D(2015, 6, 30),
    )


def run(slug, user, header, *rows):
    importer = IMPORTERS[slug](user, f"{slug}.xlsx")
    plan = importer.check(workbook(header, *rows))
    return plan, importer.write(plan)


def problems(slug, user, header, *rows) -> list[str]:
    with pytest.raises(ImportFailed) as failure:
        IMPORTERS[slug](user).check(workbook(header, *rows))
    return [str(e) for e in failure.value.errors]


def with_cell(row, header, column, value):
    changed = list(row)
    changed[header.index(column)] = value
    return changed


@pytest.mark.parametrize("slug", list(GOOD))
def test_a_good_file_adds_rows_with_their_history(slug, bureau_admin, schools, vehicle):
    header, row = GOOD[slug]
    if slug == "vehicles":
        row = with_cell(row, header, "车牌号", "浙A·54321")
    before = set(MODELS[slug].objects.values_list("pk", flat=True))
    _plan, result = run(slug, bureau_admin, header, row)
    assert (result.created, result.updated) == (1, 0)
    record = MODELS[slug].objects.exclude(pk__in=before).get()
    assert record.school.code == "S001" and record.recorded_by == bureau_admin
    entry = ChangeLog.objects.get(object_id=str(record.pk), action="import")
    assert entry.user == bureau_admin


@pytest.mark.parametrize("slug", [s for s in GOOD if s != "vehicles"])
def test_importing_again_updates_instead_of_duplicating(slug, bureau_admin, schools, vehicle):
    header, row = GOOD[slug]
    run(slug, bureau_admin, header, row)
    changeable = {
        "drivers": ("驾龄（年）", 16),
        "security-staff": ("岗位", "巡逻岗"),
        "police-rooms": ("负责民警", "钱警官"),
        "letters": ("签订日期", D(2014, 3, 2)),
        "special-groups": ("监护人电话", "13712345678"),
    }[slug]
    _plan, result = run(slug, bureau_admin, header, with_cell(row, header, *changeable))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    record = MODELS[slug].objects.get()
    assert record.version == 2
    _plan, result = run(slug, bureau_admin, header, with_cell(row, header, *changeable))
    assert result.unchanged == 1


def test_a_vehicle_is_updated_by_its_plate(bureau_admin, schools, vehicle):
    _plan, result = run(
        "vehicles", bureau_admin, VEHICLES, with_cell(VEHICLE, VEHICLES, "核定座位数", 22)
    )
    assert result.updated == 1
    vehicle.refresh_from_db()
    assert (vehicle.seats, vehicle.version) == (22, 2)
    entry = ChangeLog.objects.get(object_id=str(vehicle.pk), action="import")
    assert (entry.before, entry.after) == ({"seats": 19}, {"seats": 22})


def test_a_plate_of_another_school_is_a_duplicate(bureau_admin, schools, vehicle):
    found = problems(
        "vehicles", bureau_admin, VEHICLES, with_cell(VEHICLE, VEHICLES, "学校代码", "S002")
    )
    assert found == ["第2行：车牌浙A·12345已登记在其他学校"]


def test_a_plate_written_with_spaces_is_the_same_plate(bureau_admin, schools, vehicle):
    _plan, result = run(
        "vehicles", bureau_admin, VEHICLES, with_cell(VEHICLE, VEHICLES, "车牌号", "浙a·123 45")
    )
    assert result.unchanged == 1


BAD = [
    ("vehicles", "学校代码", "S999", "未知的学校代码“S999”"),
    ("vehicles", "核定座位数", 0, "超出1～80的范围"),
    ("vehicles", "下次年检日期", "2015-02-29", "不是真实的日期"),
    ("vehicles", "车辆所有人", "", "缺少车辆所有人"),
    ("vehicles", "车辆所有人", "长" * 101, "最多100个字符"),
    ("vehicles", "车辆所有人", "清溪\x7f客运", "控制字符"),
    ("vehicles", "是否校车", "也许", "不是“是/否”"),
    ("drivers", "准驾车型", "C1", "不能驾驶校车"),
    ("drivers", "出生日期", D(1950, 1, 1), "现年64周岁"),
    ("drivers", "车牌号", "浙B·99999", "本校没有车牌为浙B·99999的车辆"),
    ("drivers", "准驾车型", "Z9", "不是可选的值"),
    ("security-staff", "类别", "门卫大爷", "不是可选的值"),
    ("security-staff", "离岗日期", D(2014, 1, 1), "早于到岗日期"),
    ("police-rooms", "建立日期", D(2015, 1, 1), "晚于今天"),
    ("letters", "年度", 1999, "超出2000～2100的范围"),
    ("letters", "签订日期", "明天", "不是日期"),
    ("special-groups", "类别", "困难家庭", "不是可选的值"),
    ("special-groups", "姓名", "", "缺少姓名"),
    # The phone fields' own rule, as on the form: "电话：电话号码格式不对：…".
    ("security-staff", "电话", "abc", "电话号码格式不对"),
    ("special-groups", "监护人电话", "139", "电话号码格式不对"),
]


@pytest.mark.parametrize(("slug", "column", "value", "reason"), BAD)
def test_each_kind_of_bad_row_is_reported_and_nothing_saved(
    slug, column, value, reason, bureau_admin, schools, vehicle
):
    header, row = GOOD[slug]
    before = MODELS[slug].objects.count()
    good = (
        with_cell(row, header, header[1], "另一" + str(row[1]))
        if slug != "letters"
        else with_cell(row, header, "签订人", "李副校长")
    )
    if slug == "vehicles":
        good = with_cell(row, header, "车牌号", "浙A·54321")
    if slug == "drivers":
        good = with_cell(row, header, "驾驶证号", "330102197001019999")
    found = problems(slug, bureau_admin, header, good, with_cell(row, header, column, value))
    assert any(p.startswith("第3行：") and reason in p for p in found), found
    assert not any(p.startswith("第2行") for p in found), found
    assert MODELS[slug].objects.count() == before


@pytest.mark.parametrize("slug", list(GOOD))
def test_a_row_repeated_in_the_file_is_reported(slug, bureau_admin, schools, vehicle):
    header, row = GOOD[slug]
    assert "第3行：与本文件第2行重复" in problems(slug, bureau_admin, header, row, row)


# ---- who imports for which school ------------------------------------------------------------


@pytest.mark.parametrize("slug", [s for s in GOOD if s != "special-groups"])
def test_a_school_admin_imports_for_its_own_school(slug, alice, schools, vehicle):
    header, row = GOOD[slug]
    own_with_empty_code = with_cell(row, header, "学校代码", "")
    if slug == "vehicles":
        own_with_empty_code = with_cell(own_with_empty_code, header, "车牌号", "浙A·00001")
    _plan, result = run(slug, alice, header, own_with_empty_code)
    assert result.created == 1
    assert not MODELS[slug].objects.filter(school__code="S002").exists()


@pytest.mark.parametrize("slug", [s for s in GOOD if s != "special-groups"])
def test_a_school_admin_cannot_import_for_another_school(slug, alice, schools):
    header, row = GOOD[slug]
    found = problems(slug, alice, header, with_cell(row, header, "学校代码", "S002"))
    assert any("未知的学校代码“S002”" in p for p in found), found


@pytest.mark.parametrize("user", ["alice", "carol", "leader", "gov", "fire"])
def test_children_are_imported_by_the_bureau_only(request, as_user, schools, user):
    client = as_user(request.getfixturevalue(user))
    url = reverse("registers:import", args=["special-groups"])
    response = upload(client, url, workbook(CHILDREN, with_cell(CHILD, CHILDREN, "学校代码", "")))
    assert response.status_code == 403
    assert (
        client.get(reverse("registers:import-template", args=["special-groups"])).status_code == 403
    )
    assert not models.SpecialGroupChild.objects.exists()


@pytest.mark.parametrize("user", ["carol", "leader", "gov", "fire"])
def test_readers_and_staff_cannot_import_a_register(request, as_user, schools, user):
    client = as_user(request.getfixturevalue(user))
    response = upload(
        client, reverse("registers:import", args=["vehicles"]), workbook(VEHICLES, VEHICLE)
    )
    assert response.status_code == 403
    assert client.get(reverse("registers:import-preview", args=["vehicles"])).status_code == 403
    assert not models.Vehicle.objects.exists()


def test_a_register_without_an_import_answers_404(as_user, bureau_admin):
    assert (
        as_user(bureau_admin).get(reverse("registers:import", args=["visitors"])).status_code == 404
    )


# ---- the pages -------------------------------------------------------------------------------


def test_upload_preview_confirm(as_user, alice, schools):
    client = as_user(alice)
    url = reverse("registers:import", args=["security-staff"])
    preview = reverse("registers:import-preview", args=["security-staff"])
    response = upload(
        client, url, workbook(STAFF, GUARD, with_cell(GUARD, STAFF, "姓名", "周辅警"))
    )
    assert response["Location"] == preview
    page = client.get(preview).content.decode()
    assert "李保安" in page and "周辅警" in page and "新增" in page
    assert not models.SecurityStaff.objects.exists()
    done = client.post(preview, {"confirm": "1"})
    assert done["Location"] == reverse("registers:list", args=["security-staff"])
    assert models.SecurityStaff.objects.count() == 2


def test_the_register_list_offers_the_import(as_user, alice, bureau_admin):
    vehicles = reverse("registers:list", args=["vehicles"])
    assert (
        reverse("registers:import", args=["vehicles"])
        in as_user(alice).get(vehicles).content.decode()
    )
    children = reverse("registers:list", args=["special-groups"])
    url = reverse("registers:import", args=["special-groups"])
    assert url not in as_user(alice).get(children).content.decode()
    assert url in as_user(bureau_admin).get(children).content.decode()


@pytest.mark.parametrize("slug", list(GOOD))
def test_each_template_has_chinese_headers_an_example_and_imports(
    slug, as_user, bureau_admin, schools
):
    response = as_user(bureau_admin).get(reverse("registers:import-template", args=[slug]))
    wb = load_workbook(io.BytesIO(response.content))
    headers = [c.value for c in wb.worksheets[0][1]]
    assert headers[0] == "学校代码" and all(h and not h.isascii() for h in headers)
    assert wb.worksheets[1].title == "填写说明"
    if slug == "drivers":
        return  # its example names a vehicle the district does not have
    plan = IMPORTERS[slug](bureau_admin).check(response.content)
    assert plan.counts["new"] == 1
