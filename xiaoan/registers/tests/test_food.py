"""Daily food-safety control (食品安全日管控): the rules of a morning check and a food sample,
the meal left without its sample (the standings, the board, the reminder once), the
accompanying meal's problems on the ledger, the supplier papers, the monthly and district
figures, the pages (offline forms among them), the API and who reads the workers' health."""

from __future__ import annotations

import datetime
import uuid

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from xiaoan.accounts.choices import Role
from xiaoan.hazards.models import Hazard
from xiaoan.notifications.models import Notification
from xiaoan.registers.choices import Meal, MealScope, SampleStanding
from xiaoan.registers.figures import figures, key_measures
from xiaoan.registers.models import (
    AccompanyingMeal,
    FoodSample,
    MealTime,
    MorningCheck,
    SupplierCertificate,
    month_food_figures,
    sample_standings,
)
from xiaoan.reports.compile import school_month_figures
from xiaoan.reports.models import MonthlyReport
from xiaoan.reports.reminders import food_sample_reminders
from xiaoan.schools.choices import DepartmentKind
from xiaoan.schools.models import Department

from .conftest import at

DAY = datetime.date(2014, 11, 12)  # a Wednesday
# 13:30 in Beijing: lunch (ends 13:00 by default) is over, dinner still to come.
AFTER_LUNCH = at(DAY, 13, 30)


@pytest.fixture(autouse=True)
def _after_lunch(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(AFTER_LUNCH, tick=False):
        yield


@pytest.fixture
def canteen_a(school_a):
    school_a.canteen = True
    school_a.save()
    return school_a


@pytest.fixture
def boarding_b(school_b):
    school_b.canteen = True
    school_b.boarding = True
    school_b.save()
    return school_b


def _check(school, day=DAY, **extra) -> MorningCheck:
    staff = extra.pop(
        "staff",
        [
            {"name": "王师傅", "symptoms": [], "off_duty": False},
            {"name": "李阿姨", "symptoms": [], "off_duty": False},
        ],
    )
    return MorningCheck.objects.create(
        school=school, checked_on=day, checker="王师傅", staff=staff, **extra
    )


def _sample(school, meal=Meal.LUNCH, day=DAY, hour=11, minute=10, dish="红烧肉") -> FoodSample:
    kept = at(day, hour, minute)
    return FoodSample.objects.create(
        school=school,
        served_on=day,
        meal=meal,
        dish=dish,
        weight_g=150,
        kept_at=kept,
        kept_until=kept + datetime.timedelta(hours=48),
        kept_by="李阿姨",
    )


def _sample_post(**extra) -> dict[str, str]:
    return {
        "served_on": "2014-11-12",
        "meal": "lunch",
        "dish": "番茄炒蛋",
        "weight_g": "150",
        "kept_at": "2014-11-12T11:05",
        "kept_until": "",
        "kept_by": "李阿姨",
        **extra,
    }


def _check_post(**extra) -> dict[str, str]:
    return {
        "checked_on": "2014-11-12",
        "checker": "王师傅",
        "staff-rows": "3",
        "staff-0-name": "王师傅",
        "staff-1-name": "李阿姨",
        "staff-2-name": "",
        "notes": "",
        **extra,
    }


# ---- the rules -------------------------------------------------------------------------------


def test_a_sample_under_125_g_is_refused_in_chinese_and_the_form_keeps_what_was_typed(
    as_user, alice, canteen_a
):
    response = as_user(alice).post(
        reverse("registers:create", args=["food-samples"]), _sample_post(weight_g="100")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["weight_g"] == ["每个品种留样不少于125克，这份留样只有100克。"]
    page = response.content.decode()
    assert "番茄炒蛋" in page and 'value="100"' in page
    assert not FoodSample.objects.exists()


def test_a_sample_is_kept_48_hours_from_a_moment_on_its_meals_day(canteen_a):
    sample = FoodSample(
        school=canteen_a,
        served_on=DAY,
        meal=Meal.LUNCH,
        dish="米饭",
        weight_g=125,
        kept_at=at(DAY, 11),
        kept_until=at(DAY, 11) + datetime.timedelta(hours=47),
        kept_by="李阿姨",
    )
    with pytest.raises(ValidationError) as short:
        sample.full_clean()
    assert short.value.message_dict["kept_until"] == [
        "留样应保存48小时以上：保存至2014-11-14 11:00或更晚。"
    ]
    sample.kept_until = None
    sample.full_clean()  # empty: 48 hours
    assert sample.kept_until == at(DAY, 11) + datetime.timedelta(hours=48)
    sample.kept_at, sample.kept_until = at(DAY - datetime.timedelta(days=1), 11), None
    with pytest.raises(ValidationError) as other_day:
        sample.full_clean()
    assert "kept_at" in other_day.value.message_dict


def test_a_light_sample_is_refused_whoever_writes_it(canteen_a):
    from django.db import IntegrityError, transaction

    from xiaoan.core.errors import Invalid

    light = {
        "school": canteen_a,
        "served_on": DAY,
        "meal": Meal.LUNCH,
        "dish": "米饭",
        "weight_g": 80,
        "kept_at": at(DAY, 11),
        "kept_until": at(DAY, 11) + datetime.timedelta(hours=48),
        "kept_by": "李阿姨",
    }
    with pytest.raises(Invalid, match="每个品种留样不少于125克"):
        FoodSample.objects.create(**light)
    with pytest.raises(IntegrityError), transaction.atomic():
        FoodSample.objects.bulk_create([FoodSample(**light)])  # the named constraint


def test_a_sample_left_without_a_time_takes_the_moment_it_is_recorded(as_user, carol, canteen_a):
    response = as_user(carol).post(
        reverse("registers:create", args=["food-samples"]), _sample_post(kept_at="")
    )
    assert response.status_code == 302
    sample = FoodSample.objects.get()
    assert sample.kept_at == AFTER_LUNCH and sample.recorded_by == carol
    assert sample.kept_until == AFTER_LUNCH + datetime.timedelta(hours=48)


def test_a_worker_with_a_symptom_is_sent_off_duty(as_user, carol, canteen_a):
    url = reverse("registers:create", args=["morning-checks"])
    post = _check_post(**{"staff-1-symptoms": ["fever", "diarrhoea"]})
    refused = as_user(carol).post(url, post)
    assert refused.status_code == 200
    assert refused.context["form"].errors["staff"] == [
        "李阿姨有发热、腹泻症状：有症状的从业人员当天应暂停从事接触直接入口食品的工作（请勾选离岗）。"
    ]
    page = refused.content.decode()
    assert 'value="李阿姨"' in page and 'value="fever" id="staff-1-fever" checked' in page
    assert not MorningCheck.objects.exists()
    saved = as_user(carol).post(url, {**post, "staff-1-off_duty": "on"})
    assert saved.status_code == 302
    check = MorningCheck.objects.get()
    assert (check.checked_count, check.unwell_count, check.off_duty_count) == (2, 1, 1)
    assert check.staff[1] == {
        "name": "李阿姨",
        "symptoms": ["fever", "diarrhoea"],
        "off_duty": True,
    }
    assert check.unwell_text() == "李阿姨（发热、腹泻，离岗）"


def test_one_morning_check_a_day_and_the_next_opens_with_the_last_list(as_user, alice, canteen_a):
    _check(canteen_a, day=DAY - datetime.timedelta(days=1))
    client = as_user(alice)
    form = client.get(reverse("registers:create", args=["morning-checks"])).content.decode()
    assert 'value="王师傅"' in form and 'value="李阿姨"' in form
    _check(canteen_a)
    again = client.post(reverse("registers:create", args=["morning-checks"]), _check_post())
    assert again.status_code == 200
    assert "这一天的晨检已登记，请修改原记录。" in again.content.decode()


# ---- a meal without its sample --------------------------------------------------------------


def test_a_meal_is_sampled_late_missed_or_still_due(canteen_a, boarding_b):
    _check(canteen_a)
    _check(boarding_b)
    _sample(boarding_b, Meal.BREAKFAST, hour=7)
    _sample(boarding_b, Meal.LUNCH, hour=13, minute=20)  # after the lunch had ended
    table = sample_standings([canteen_a, boarding_b], DAY, DAY)
    assert [(m.meal, m.status) for m in table[canteen_a.pk][DAY]] == [
        (Meal.LUNCH, SampleStanding.MISSED)  # a day school serves lunch only
    ]
    assert [(m.meal, m.status) for m in table[boarding_b.pk][DAY]] == [
        (Meal.BREAKFAST, SampleStanding.ON_TIME),
        (Meal.LUNCH, SampleStanding.LATE),
        (Meal.DINNER, SampleStanding.DUE),
    ]


def test_a_day_the_canteen_recorded_nothing_is_no_canteen_day(canteen_a, school_b):
    _check(school_b)  # school B has no canteen: not held to the rule
    table = sample_standings([canteen_a, school_b], DAY, DAY)
    assert table == {canteen_a.pk: {}}


def test_the_bureau_sets_when_a_meal_ends(canteen_a, bureau):
    _check(canteen_a)
    MealTime.objects.create(
        bureau=bureau, meal=Meal.LUNCH, ends_at=datetime.time(14, 0), scope=MealScope.ALL
    )
    MealTime.objects.create(
        bureau=bureau, meal=Meal.BREAKFAST, ends_at=datetime.time(8, 0), scope=MealScope.ALL
    )
    meals = sample_standings([canteen_a], DAY, DAY)[canteen_a.pk][DAY]
    assert [(m.meal, m.status) for m in meals] == [
        (Meal.BREAKFAST, SampleStanding.MISSED),
        (Meal.LUNCH, SampleStanding.DUE),
    ]


def test_the_school_admin_is_told_once_of_a_meal_without_its_sample(
    alice, carol, bob, canteen_a, boarding_b
):
    _check(canteen_a)
    _check(boarding_b)
    _sample(boarding_b, Meal.BREAKFAST, hour=7)
    _sample(boarding_b, Meal.LUNCH, hour=11)
    assert food_sample_reminders(timezone.now()) == 1
    note = Notification.objects.get()
    assert note.recipient == alice and note.kind == "food_sample_missed"
    assert note.message == (
        "清溪区实验小学2014-11-12午餐在餐次结束（13:00）前未留样，"
        "请每餐每个品种按规定留样并及时登记。"
    )
    assert note.link == reverse("registers:food-board") + "?day=2014-11-12"
    _sample(canteen_a, Meal.LUNCH, hour=13, minute=40)  # recorded late: still a miss, told once
    with time_machine.travel(at(DAY, 14, 30), tick=False):
        assert food_sample_reminders(timezone.now()) == 0
    with time_machine.travel(at(DAY, 19, 30), tick=False):
        assert food_sample_reminders(timezone.now()) == 1  # school B's dinner
    assert Notification.objects.filter(recipient=bob).count() == 1
    assert not Notification.objects.filter(recipient=carol).exists()


def test_the_board_shows_the_bureau_the_schools_behind(
    as_user, bureau_admin, alice, canteen_a, boarding_b
):
    _check(canteen_a)
    _check(boarding_b)
    for meal, hour in ((Meal.BREAKFAST, 7), (Meal.LUNCH, 11)):
        _sample(boarding_b, meal, hour=hour)
    response = as_user(bureau_admin).get(reverse("registers:food-board"), {"short": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["behind"] == 1
    assert [row["school"] for row in response.context["rows"]] == [canteen_a]
    assert 'data-meal="lunch" data-status="missed"' in page
    mine = as_user(alice).get(reverse("registers:food-board")).context["rows"]
    assert [row["school"] for row in mine] == [canteen_a]


# ---- accompanying meals and supplier papers --------------------------------------------------


def test_a_problem_found_at_an_accompanying_meal_becomes_a_food_hazard_once(
    as_user, alice, bob, leader, canteen_a
):
    meal = AccompanyingMeal.objects.create(
        school=canteen_a,
        served_on=DAY,
        meal=Meal.LUNCH,
        leader="王校长",
        problems="青菜有泥沙\n汤偏咸",
    )
    url = reverse("registers:meal-report-problem", args=[meal.pk])
    assert as_user(bob).post(url, {"problem": "青菜有泥沙"}).status_code == 404
    assert as_user(leader).post(url, {"problem": "青菜有泥沙"}).status_code == 403
    response = as_user(alice).post(url, {"problem": "青菜有泥沙"})
    hazard = Hazard.objects.get()
    assert response.status_code == 302 and response["Location"] == hazard.get_absolute_url()
    assert hazard.area.code == "food" and hazard.found_on == DAY
    assert hazard.description == "2014-11-12陪餐（午餐）中发现：青菜有泥沙"
    assert meal.problems_to_report() == ["汤偏咸"]
    assert as_user(alice).post(url, {"problem": "青菜有泥沙"}).status_code == 400
    detail = as_user(alice).get(reverse("registers:detail", args=["accompanying-meals", meal.pk]))
    assert hazard.code in detail.content.decode()


def test_a_supplier_paper_is_checked_flagged_and_downloaded(as_user, alice, bob, canteen_a):
    url = reverse("registers:create", args=["supplier-certificates"])
    post = {
        "supplier": "清溪粮油有限公司",
        "goods": "大米",
        "kind": "food_licence",
        "number": "JY13301990001",
        "received_on": "2014-11-10",
        "valid_until": "2014-11-01",
    }
    expired = as_user(alice).post(url, post)
    assert expired.context["form"].errors["valid_until"] == ["该证照在索取时已过期。"]
    pdf = SimpleUploadedFile("许可证.pdf", b"%PDF-1.4 test")
    saved = as_user(alice).post(url, {**post, "valid_until": "2014-12-01", "attachment": pdf})
    assert saved.status_code == 302
    paper = SupplierCertificate.objects.get()
    listed = as_user(alice).get(reverse("registers:list", args=["supplier-certificates"]))
    assert "即将到期" in listed.content.decode()
    file_url = reverse("registers:certificate-file", args=[paper.pk])
    assert as_user(alice).get(file_url).status_code == 200
    assert as_user(bob).get(file_url).status_code == 404


# ---- figures ---------------------------------------------------------------------------------


def test_the_monthly_report_counts_the_food_safety_control(as_user, alice, canteen_a, school_b):
    _check(canteen_a, staff=[{"name": "王师傅", "symptoms": ["hand_wound"], "off_duty": True}])
    _check(canteen_a, day=DAY - datetime.timedelta(days=1))
    _sample(canteen_a, day=DAY - datetime.timedelta(days=1))
    _sample(canteen_a, day=DAY - datetime.timedelta(days=1), dish="青菜")
    AccompanyingMeal.objects.create(
        school=canteen_a, served_on=DAY, meal=Meal.LUNCH, leader="王校长", problems="汤偏咸"
    )
    food = month_food_figures(canteen_a, datetime.date(2014, 11, 1), datetime.date(2014, 11, 30))
    assert food == {
        "checks": 2,
        "checked": 3,
        "unwell": 1,
        "off_duty": 1,
        "samples": 2,
        "meals_sampled": 1,
        "late": 0,
        "missed": 1,
        "accompanied": 1,
        "meal_problems": 1,
        "certificates": 0,
    }
    assert school_month_figures(school_b, 2014, 11)["food"] is None  # no canteen, no record
    report = MonthlyReport.for_month(canteen_a, 2014, 11)
    report.compile(alice)
    page = as_user(alice).get(reverse("reports:monthly_detail", args=[report.pk]))
    assert (
        "食品安全日管控：晨检2天，受检3人次，有症状1人次，离岗1人次；留样2份，按时留样1餐次，"
        "未按时留样1餐次；领导陪餐1次，发现问题1个；索证索票0份。"
    ) in page.content.decode()


def test_the_district_figures_and_the_quarterly_text_state_the_food_control(bureau, canteen_a):
    from xiaoan.reports.marks import plain
    from xiaoan.reports.narrative import food_control

    _check(canteen_a)
    _sample(canteen_a)
    start, end = datetime.date(2014, 10, 1), datetime.date(2014, 12, 31)
    f = figures(bureau.pk, start, end)
    assert (f["canteen_schools"], f["morning_checks"], f["food_samples"]) == (1, 1, 1)
    assert f["samples_missed"] == 0
    keys = {m["key"]: m for m in key_measures(bureau.pk, start, end)}
    assert keys["food_samples"]["label"] == "食品留样" and keys["food_samples"]["unit"] == "份"
    assert plain(food_control(f)) == "开展食堂从业人员晨检1次，食品留样1份"
    assert food_control({}) == ""  # figures frozen before the food logs


# ---- the API and who reads the workers' health ----------------------------------------------


def test_the_api_refuses_a_light_sample_and_records_a_morning_check(as_user, carol, canteen_a):
    client = as_user(carol)
    light = client.post(
        "/api/v1/food-samples/", _sample_post(weight_g=100), content_type="application/json"
    )
    assert light.status_code == 400
    assert light.json()["weight_g"] == ["每个品种留样不少于125克，这份留样只有100克。"]
    staff = [
        {"name": "王师傅", "symptoms": [], "off_duty": False},
        {"name": "李阿姨", "symptoms": ["fever"], "off_duty": True},
    ]
    created = client.post(
        "/api/v1/morning-checks/",
        {"checked_on": "2014-11-12", "checker": "王师傅", "staff": staff},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["staff"] == staff and body["off_duty_count"] == 1
    assert body["allowed_actions"] == ["edit"]
    patched = client.patch(
        f"/api/v1/morning-checks/{body['id']}/",
        {"notes": "已复查"},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["staff"] == staff


def test_the_api_scopes_the_food_logs_to_the_school(as_user, alice, bob, canteen_a):
    sample = _sample(canteen_a)
    assert [r["id"] for r in as_user(alice).get("/api/v1/food-samples/").json()["results"]] == [
        sample.pk
    ]
    assert as_user(bob).get("/api/v1/food-samples/").json()["results"] == []
    assert as_user(bob).get(f"/api/v1/food-samples/{sample.pk}/").status_code == 404
    for path in ("/api/v1/accompanying-meals/", "/api/v1/supplier-certificates/"):
        assert as_user(alice).get(path).status_code == 200


def test_the_api_puts_a_meal_problem_on_the_ledger(as_user, alice, canteen_a):
    meal = AccompanyingMeal.objects.create(
        school=canteen_a, served_on=DAY, meal=Meal.LUNCH, leader="王校长", problems="汤偏咸"
    )
    url = f"/api/v1/accompanying-meals/{meal.pk}/report-problem/"
    done = as_user(alice).post(url, {"problem": "汤偏咸"}, content_type="application/json")
    assert done.status_code == 201
    assert Hazard.objects.get(pk=done.json()["hazard"]).area.code == "food"
    again = as_user(alice).post(url, {"problem": "汤偏咸"}, content_type="application/json")
    assert again.status_code == 409


def test_workers_health_is_read_by_need_to_know(as_user, bureau, alice, gov, fire, canteen_a):
    food = Department.objects.create(bureau=bureau, name="市场监管局", kind=DepartmentKind.FOOD)
    inspector = make_user("food", Role.DEPT_INSPECTOR, bureau, department=food)
    check = _check(canteen_a, staff=[{"name": "李阿姨", "symptoms": ["fever"], "off_duty": True}])
    url = f"/api/v1/morning-checks/{check.pk}/"
    for user in (alice, inspector):
        assert as_user(user).get(url).json()["staff"][0]["name"] == "李阿姨"
    for user in (gov, fire):
        body = as_user(user).get(url).json()
        assert body["staff"] is None and body["unwell_count"] == 1
        page = as_user(user).get(reverse("registers:list", args=["morning-checks"]))
        assert "李阿姨" not in page.content.decode()
        export = as_user(user).get(reverse("registers:export", args=["morning-checks"]))
        assert export.status_code == 200
    listed = as_user(alice).get(reverse("registers:list", args=["morning-checks"]))
    assert "李阿姨（发热，离岗）" in listed.content.decode()


# ---- pages -----------------------------------------------------------------------------------


def test_who_keeps_the_food_logs(as_user, carol, leader, bob, canteen_a):
    sample = _sample(canteen_a)
    create = reverse("registers:create", args=["food-samples"])
    assert as_user(carol).get(create).status_code == 200
    assert as_user(leader).get(create).status_code == 403
    edit = reverse("registers:edit", args=["food-samples", sample.pk])
    assert as_user(bob).get(edit).status_code == 404
    assert as_user(leader).get(edit).status_code == 403
    papers = reverse("registers:create", args=["supplier-certificates"])
    assert as_user(carol).get(papers).status_code == 403  # the school admin's


def test_an_offline_sample_sent_twice_is_recorded_once(as_user, carol, canteen_a):
    client = as_user(carol)
    url = reverse("registers:create", args=["food-samples"])
    form = client.get(url).content.decode()
    assert "data-offline" in form and "data-now-if-empty" in form
    key = str(uuid.uuid4())
    for _ in range(2):
        response = client.post(url, _sample_post(), headers={"X-Idempotency-Key": key})
        assert response.status_code == 302
    assert FoodSample.objects.count() == 1


def test_the_field_page_keeps_the_canteens_forms(as_user, carol, bob, canteen_a):
    page = as_user(carol).get(reverse("field:today")).content.decode()
    assert reverse("registers:create", args=["morning-checks"]) in page
    assert reverse("registers:create", args=["supplier-certificates"]) not in page
    assert 'id="field-food"' not in as_user(bob).get(reverse("field:today")).content.decode()


def test_the_bureau_sets_a_meal_time_and_schools_only_read_them(as_user, bureau_admin, alice):
    assert "13:00" in as_user(alice).get(reverse("registers:meal-times")).content.decode()
    url = reverse("registers:meal-time-edit", args=["lunch"])
    assert as_user(alice).get(url).status_code == 403
    response = as_user(bureau_admin).post(url, {"ends_at": "12:30", "scope": "all"})
    assert response.status_code == 302
    row = MealTime.objects.get()
    assert (row.meal, row.ends_at) == (Meal.LUNCH, datetime.time(12, 30))
    assert (
        as_user(bureau_admin).get(reverse("registers:meal-time-edit", args=["tea"])).status_code
        == 404
    )


def test_the_registry_import_reads_the_canteen_column(bureau, bureau_admin, school_a):
    from openpyxl import Workbook

    from xiaoan.schools.importer import import_schools

    def sheet(rows: list[list[str]]) -> bytes:
        import io

        book = Workbook()
        for row in rows:
            book.active.append(row)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    header = ["代码", "名称", "类型", "寄宿", "民办", "食堂"]
    row = ["S001", school_a.name, "小学", "否", "否"]
    import_schools(sheet([header, [*row, "是"]]), bureau, bureau_admin)
    school_a.refresh_from_db()
    assert school_a.canteen is True
    import_schools(sheet([header[:5], row]), bureau, bureau_admin)
    school_a.refresh_from_db()
    assert school_a.canteen is True  # a sheet without the column leaves it
