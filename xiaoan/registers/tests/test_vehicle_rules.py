"""The pick-up vehicle rules, through the page, the API and the Excel import: a route's seats
hold its pupils, only a qualified driver with valid papers drives a route, a failed
pre-departure check keeps the vehicle off the road that day (a hazard on the ledger, the school
and the bureau told at once), and a school bus carries its sign number (校车标牌)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import make_user
from xiaoan.accounts.choices import Role
from xiaoan.core.imports import ImportFailed
from xiaoan.core.tests.xlsx import workbook
from xiaoan.hazards.choices import AreaCode, HazardStatus
from xiaoan.notifications.choices import NotificationKind
from xiaoan.notifications.models import Notification
from xiaoan.registers.choices import LicenceClass
from xiaoan.registers.imports import IMPORTERS
from xiaoan.registers.models import Driver, PreDepartureCheck, Route, Vehicle

pytestmark = pytest.mark.django_db

D = datetime.date
DAY = D(2019, 9, 2)
OVERLOADED = "车辆浙A19000核定座位19个，不能接送30名学生，严禁超员。"
EXPIRED = "王师傅不得驾驶本线路：驾驶证已于2018-06-30过期。"
NO_SIGN = "校车须填写校车标牌号。"
BLOCKED = "车辆浙A19000于2019-09-02出车前检查未通过（制动），当日复检合格前不得出车。"


@pytest.fixture(autouse=True)
def _a_school_morning():
    with time_machine.travel("2019-09-02 07:30 +0800", tick=False):
        yield


@pytest.fixture
def minibus(school_a) -> Vehicle:
    return Vehicle.objects.create(
        school=school_a,
        plate="浙A19000",
        seats=19,
        owner="清溪客运",
        bus_licence_no="校车标牌2019-001",
        inspection_due=D(2020, 3, 1),
        insurance_due=D(2020, 6, 1),
        active_from=D(2019, 1, 1),
    )


def _driver(school, name: str, licence_no: str, valid_until: datetime.date) -> Driver:
    return Driver.objects.create(
        school=school,
        name=name,
        licence_no=licence_no,
        licence_class=LicenceClass.A1,
        licence_valid_until=valid_until,
        birth_date=D(1975, 5, 5),
        driving_years=12,
        active_from=D(2015, 1, 1),
    )


@pytest.fixture
def zhang(school_a) -> Driver:
    return _driver(school_a, "张师傅", "330100011", D(2022, 1, 1))


@pytest.fixture
def wang(school_a) -> Driver:
    """Registered while his licence was valid; it expired in 2018."""
    return _driver(school_a, "王师傅", "330100012", D(2018, 6, 30))


def route_data(vehicle: Vehicle, driver: Driver, **changes) -> dict:
    return {
        "name": "东线",
        "vehicle": vehicle.pk,
        "driver": driver.pk,
        "escort": "李老师",
        "stops": "07:00 村委会\n07:30 学校",
        "students": 15,
        **changes,
    }


VEHICLE = {
    "plate": "浙A20000",
    "seats": 35,
    "owner": "清溪客运",
    "is_school_bus": "on",
    "inspection_due": "2020-03-01",
    "insurance_due": "2020-06-01",
}
# Every item of the check OK but the brakes (each item is answered OK or not OK).
BRAKES_FAIL = {
    "checked_on": "2019-09-02",
    "checked_by": "张师傅",
    "brakes_ok": "False",
    "tyres_ok": "True",
    "lights_ok": "True",
    "seat_belts_ok": "True",
    "escape_hammer_ok": "True",
    "extinguisher_ok": "True",
}
ALL_OK = {**BRAKES_FAIL, "brakes_ok": "True"}


def create(client, slug: str, data: dict):
    return client.post(reverse("registers:create", args=[slug]), data)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# ---- seats for every pupil ---------------------------------------------------------------------


def test_thirty_pupils_on_a_19_seat_route_are_refused_at_the_field_keeping_what_was_typed(
    as_user, alice, minibus, zhang
):
    response = create(as_user(alice), "routes", route_data(minibus, zhang, students=30))
    form = response.context["form"]
    assert response.status_code == 200 and form.errors["students"] == [OVERLOADED]
    assert (form["students"].value(), form["name"].value()) == ("30", "东线")
    assert not Route.objects.exists()
    assert (
        create(as_user(alice), "routes", route_data(minibus, zhang, students=19)).status_code == 302
    )


def test_the_api_refuses_an_overloaded_route_with_the_same_message(alice, minibus, zhang):
    body = route_data(minibus, zhang, students=30)
    response = api(alice).post("/api/v1/registers/routes/", body, format="json")
    assert response.status_code == 400 and response.json()["students"] == [OVERLOADED]
    assert not Route.objects.exists()


def test_a_vehicles_seats_cannot_drop_below_a_routes_pupils(as_user, alice, minibus, zhang):
    Route.objects.create(
        school=minibus.school,
        name="东线",
        vehicle=minibus,
        driver=zhang,
        escort="李老师",
        stops="07:00 学校",
        students=15,
    )
    url = reverse("registers:edit", args=["vehicles", minibus.pk])
    data = {**VEHICLE, "plate": minibus.plate, "seats": 12, "bus_licence_no": "校车标牌2019-001"}
    response = as_user(alice).post(url, {**data, "version": minibus.version})
    assert response.context["form"].errors["seats"] == [
        "线路“东线”用本车接送15名学生，座位数不能少于15个。"
    ]
    minibus.refresh_from_db()
    assert minibus.seats == 19


# ---- drivers with valid papers -----------------------------------------------------------------


def test_a_driver_whose_licence_expired_in_2018_is_refused_naming_the_date(
    as_user, alice, minibus, wang, zhang
):
    response = create(as_user(alice), "routes", route_data(minibus, wang))
    form = response.context["form"]
    assert form.errors["driver"] == [EXPIRED] and form["escort"].value() == "李老师"
    assert not Route.objects.exists()
    assert create(as_user(alice), "routes", route_data(minibus, zhang)).status_code == 302
    assert Route.objects.get().driver == zhang


def test_the_api_refuses_the_expired_driver_too(alice, minibus, wang):
    response = api(alice).post(
        "/api/v1/registers/routes/", route_data(minibus, wang), format="json"
    )
    assert response.status_code == 400 and response.json()["driver"] == [EXPIRED]


def test_a_driver_off_the_register_cannot_drive_a_route(as_user, alice, minibus, zhang):
    zhang.active_until = D(2019, 8, 31)
    zhang.save()
    form = create(as_user(alice), "routes", route_data(minibus, zhang)).context["form"]
    assert form.errors["driver"] == ["张师傅不得驾驶本线路：该驾驶员当日不在册。"]


def test_the_driver_import_names_the_expiry_date_of_the_bad_row(bureau_admin, school_a):
    header = [
        "学校代码",
        "姓名",
        "驾驶证号",
        "准驾车型",
        "驾驶证有效期至",
        "出生日期",
        "驾龄（年）",
    ]
    good = ("S001", "张师傅", "330100011", "A1", D(2022, 1, 1), D(1975, 5, 5), 12)
    expired = ("S001", "王师傅", "330100012", "A1", D(2018, 6, 30), D(1975, 5, 5), 12)
    with pytest.raises(ImportFailed) as failure:
        IMPORTERS["drivers"](bureau_admin).check(workbook(header, good, expired))
    assert [str(e) for e in failure.value.errors] == ["第3行：驾驶证已于2018-06-30过期。"]
    assert not Driver.objects.exists()


# ---- a school bus carries its sign number ------------------------------------------------------


def test_a_school_bus_without_its_sign_number_is_refused_at_the_field(as_user, alice):
    response = create(as_user(alice), "vehicles", VEHICLE)
    form = response.context["form"]
    assert form.errors["bus_licence_no"] == [NO_SIGN] and form["plate"].value() == "浙A20000"
    assert not Vehicle.objects.exists()
    with_sign = {**VEHICLE, "bus_licence_no": "校车标牌2019-002"}
    assert create(as_user(alice), "vehicles", with_sign).status_code == 302


def test_another_kind_of_vehicle_needs_no_sign_number(as_user, alice):
    minivan = {key: value for key, value in VEHICLE.items() if key != "is_school_bus"}
    assert create(as_user(alice), "vehicles", minivan).status_code == 302
    assert not Vehicle.objects.get().is_school_bus


def test_the_api_refuses_a_school_bus_without_its_sign_number(alice):
    body = {**VEHICLE, "is_school_bus": True}
    response = api(alice).post("/api/v1/registers/vehicles/", body, format="json")
    assert response.status_code == 400 and response.json()["bus_licence_no"] == [NO_SIGN]
    minivan = {**body, "is_school_bus": False}
    assert api(alice).post("/api/v1/registers/vehicles/", minivan, format="json").status_code == 201


VEHICLES = ["学校代码", "车牌号", "核定座位数", "车辆所有人", "是否校车", "校车标牌号"]
VEHICLES += ["下次年检日期", "保险到期日"]


def test_the_vehicle_import_reports_a_school_bus_without_its_sign_number(bureau_admin, school_a):
    bus = ("S001", "浙A20000", 35, "清溪客运", "是", "", D(2020, 3, 1), D(2020, 6, 1))
    minivan = ("S001", "浙A20001", 7, "学校", "否", "", D(2020, 3, 1), D(2020, 6, 1))
    with pytest.raises(ImportFailed) as failure:
        IMPORTERS["vehicles"](bureau_admin).check(workbook(VEHICLES, minivan, bus))
    assert [str(e) for e in failure.value.errors] == [f"第3行：{NO_SIGN}"]
    assert not Vehicle.objects.exists()


def test_the_vehicle_import_cannot_drop_the_seats_below_a_routes_pupils(
    bureau_admin, minibus, zhang
):
    Route.objects.create(
        school=minibus.school,
        name="东线",
        vehicle=minibus,
        driver=zhang,
        escort="李老师",
        stops="07:00 学校",
        students=15,
    )
    row = (
        "S001",
        "浙A19000",
        12,
        "清溪客运",
        "是",
        "校车标牌2019-001",
        D(2020, 3, 1),
        D(2020, 6, 1),
    )
    with pytest.raises(ImportFailed) as failure:
        IMPORTERS["vehicles"](bureau_admin).check(workbook(VEHICLES, row))
    assert [str(e) for e in failure.value.errors] == [
        "第2行：线路“东线”用本车接送15名学生，座位数不能少于15个。"
    ]


# ---- a failed pre-departure check --------------------------------------------------------------


def test_a_failed_check_raises_a_vehicle_hazard_and_tells_the_school_and_the_bureau(
    as_user, alice, bureau, bureau_admin, school_a, minibus
):
    colleague = make_user("alice2", Role.SCHOOL_ADMIN, bureau, school=school_a)
    response = create(as_user(alice), "checks", {**BRAKES_FAIL, "vehicle": minibus.pk})
    assert response.status_code == 302
    check = PreDepartureCheck.objects.select_related("hazard__area").get()
    hazard = check.hazard
    assert (hazard.area.code, hazard.status, hazard.found_on) == (
        AreaCode.VEHICLE,
        HazardStatus.REPORTED,
        DAY,
    )
    assert hazard.school == school_a and hazard.location == "浙A19000"
    assert hazard.description == "车辆浙A19000出车前检查未通过（制动），复检合格前不得接送学生。"
    notices = Notification.objects.filter(kind=NotificationKind.VEHICLE_CHECK_FAILED)
    assert {n.recipient for n in notices} == {colleague, bureau_admin}
    checks = as_user(bureau_admin).get(reverse("registers:list", args=["checks"]))
    assert hazard.code in checks.content.decode()
    assert notices.first().message == (
        f"紧急：清溪区实验小学的车辆浙A19000于2019-09-02出车前检查未通过（制动），"
        f"当日复检合格前不得接送学生；隐患{hazard.code}已登记入台账。"
    )


def test_the_failed_vehicle_cannot_go_on_a_route_that_day_until_a_passing_recheck(
    as_user, alice, minibus, zhang
):
    client = as_user(alice)
    create(client, "checks", {**BRAKES_FAIL, "vehicle": minibus.pk})
    form = create(client, "routes", route_data(minibus, zhang)).context["form"]
    assert form.errors["vehicle"] == [BLOCKED]
    vehicles = client.get(reverse("registers:list", args=["vehicles"])).content.decode()
    assert "停运：出车前检查未通过" in vehicles
    create(client, "checks", {**ALL_OK, "vehicle": minibus.pk})
    assert create(client, "routes", route_data(minibus, zhang)).status_code == 302
    assert PreDepartureCheck.objects.filter(hazard__isnull=False).count() == 1


def test_the_api_rows_say_whether_todays_check_passed(alice, minibus, zhang):
    route = Route.objects.create(
        school=minibus.school,
        name="东线",
        vehicle=minibus,
        driver=zhang,
        escort="李老师",
        stops="07:00 学校",
        students=15,
    )
    vehicle_url = f"/api/v1/registers/vehicles/{minibus.pk}/"
    assert api(alice).get(vehicle_url).json()["todays_check_passed"] is None
    body = {**BRAKES_FAIL, "vehicle": minibus.pk, "brakes_ok": False}
    assert api(alice).post("/api/v1/registers/checks/", body, format="json").status_code == 201
    assert api(alice).get(vehicle_url).json()["todays_check_passed"] is False
    route_url = f"/api/v1/registers/routes/{route.pk}/"
    assert api(alice).get(route_url).json()["todays_check_passed"] is False


def test_a_route_keeps_running_on_another_day_after_a_failed_check(alice, minibus, zhang):
    PreDepartureCheck.objects.create(
        school=minibus.school,
        vehicle=minibus,
        checked_on=D(2019, 8, 30),
        checked_by="张师傅",
        brakes_ok=False,
        recorded_by=alice,
    )
    assert minibus.failed_check_on(D(2019, 8, 30)) is not None
    assert minibus.failed_check_on(DAY) is None


def test_the_api_records_a_failed_check_with_its_hazard(alice, bureau_admin, minibus):
    body = {**BRAKES_FAIL, "vehicle": minibus.pk, "tyres_ok": False, "brakes_ok": False}
    response = api(alice).post("/api/v1/registers/checks/", body, format="json")
    assert response.status_code == 201
    check = PreDepartureCheck.objects.get()
    assert response.json()["hazard"] == check.hazard_id is not None
    assert "制动、轮胎" in check.hazard.description
    assert Notification.objects.filter(
        kind=NotificationKind.VEHICLE_CHECK_FAILED, recipient=bureau_admin
    ).exists()


def test_a_passing_check_raises_nothing(as_user, alice, minibus):
    assert create(as_user(alice), "checks", {**ALL_OK, "vehicle": minibus.pk}).status_code == 302
    assert PreDepartureCheck.objects.get().hazard is None
    assert not Notification.objects.filter(kind=NotificationKind.VEHICLE_CHECK_FAILED).exists()


def test_a_check_dated_tomorrow_is_refused_at_its_field(as_user, alice, minibus):
    data = {**BRAKES_FAIL, "vehicle": minibus.pk, "checked_on": "2019-09-03"}
    form = create(as_user(alice), "checks", data).context["form"]
    assert form.errors["checked_on"] == ["检查日期不能晚于今天：检查做完后再登记。"]
    assert not PreDepartureCheck.objects.exists()


def test_the_check_form_ticks_no_item_ok_before_it_is_looked_at(as_user, alice, minibus):
    url = reverse("registers:create", args=["checks"])
    page = as_user(alice).get(url).content.decode()
    assert 'value="True"' in page and "checked" not in page.split('name="brakes_ok"')[1][:80]
    unanswered = {k: v for k, v in ALL_OK.items() if k != "brakes_ok"}
    response = as_user(alice).post(url, {**unanswered, "vehicle": minibus.pk})
    assert response.status_code == 200
    assert "brakes_ok" in response.context["form"].errors
    assert not PreDepartureCheck.objects.exists()
