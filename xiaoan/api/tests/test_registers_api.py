"""Registers API: a school keeps its registers through the API with the pages' checks.

Creates and updates answer 201/200 for the register's writers, 400 with the form's messages,
403 for roles that only read, 404 for another school's row; the full visitor ID number only
for the school's own safety administrator; the district views (duty gaps, special-group
counts, expiring papers) limited to what the user may see.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from xiaoan.registers.choices import LicenceClass, SpecialGroupKind
from xiaoan.registers.models import (
    Driver,
    DutyShift,
    EscortTeam,
    Incident,
    SpecialGroupChild,
    SurroundingsCheck,
    Vehicle,
    Visitor,
)
from xiaoan.schools.choices import SchoolKind
from xiaoan.schools.models import School

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
VALID_ID = "11010519491231002X"
MASKED = "110105********002X"
TODAY = datetime.datetime(2014, 9, 1, 10, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _in_september_2014():
    with time_machine.travel(TODAY, tick=False):
        yield


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def vehicle(school, plate="浙A12345") -> Vehicle:
    return Vehicle.objects.create(
        school=school,
        plate=plate,
        seats=35,
        owner="清溪客运",
        inspection_due=datetime.date(2014, 9, 20),
        insurance_due=datetime.date(2015, 6, 1),
    )


VEHICLE = {
    "plate": "浙A54321",
    "seats": 19,
    "owner": "清溪客运",
    "is_school_bus": True,
    "bus_licence_no": "校车标牌2014-002",
    "inspection_due": "2015-03-01",
    "insurance_due": "2015-06-01",
}
DRIVER = {
    "name": "孙师傅",
    "licence_no": "330100001",
    "licence_class": "A1",
    "licence_valid_until": "2016-01-01",
    "birth_date": "1975-05-05",
    "driving_years": 12,
    "health_ok": True,
}


# ---- creating and updating rows --------------------------------------------------------------


def test_school_admin_adds_a_vehicle_to_her_own_school(alice, school_a):
    response = api(alice).post("/api/v1/registers/vehicles/", VEHICLE, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["plate"] == "浙A54321" and body["school"] == school_a.pk
    assert body["school_name"] == school_a.name
    row = Vehicle.objects.get()
    assert row.school == school_a and row.recorded_by == alice


def test_a_school_user_cannot_put_a_row_on_another_school(alice, school_b):
    response = api(alice).post(
        "/api/v1/registers/vehicles/", {**VEHICLE, "school": school_b.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["条目只能记在本校名下。"]
    assert not Vehicle.objects.exists()


def test_form_encoded_create_works_like_the_page(alice, school_a):
    data = {**VEHICLE, "is_school_bus": "on"}
    response = api(alice).post("/api/v1/registers/vehicles/", data)
    assert response.status_code == 201, response.json()
    assert Vehicle.objects.get().is_school_bus


def test_unqualified_driver_is_refused_with_a_message_for_each_failed_condition(alice):
    data = {
        **DRIVER,
        "licence_class": LicenceClass.C1,
        "driving_years": 1,
        "birth_date": "1950-01-01",
        "drink_driving_record": True,
    }
    response = api(alice).post("/api/v1/registers/drivers/", data, format="json")
    assert response.status_code == 400
    errors = response.json()["non_field_errors"]
    assert len(errors) == 4
    assert any("C1" in e for e in errors)
    assert any("3年以上" in e for e in errors)
    assert any("64" in e for e in errors)
    assert any("饮酒" in e for e in errors)
    assert not Driver.objects.exists()


def test_qualified_driver_is_recorded_with_the_schools_vehicle(alice, school_a, school_b):
    mine, theirs = vehicle(school_a), vehicle(school_b, "浙B00001")
    refused = api(alice).post(
        "/api/v1/registers/drivers/", {**DRIVER, "vehicle": theirs.pk}, format="json"
    )
    assert refused.status_code == 400 and "vehicle" in refused.json()
    response = api(alice).post(
        "/api/v1/registers/drivers/", {**DRIVER, "vehicle": mine.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert Driver.objects.get().vehicle == mine


def test_partial_update_keeps_the_other_fields_and_rechecks_the_driver(alice, bob, school_a):
    driver = Driver.objects.create(
        school=school_a,
        name="孙师傅",
        licence_no="330100001",
        licence_class=LicenceClass.A1,
        licence_valid_until=datetime.date(2016, 1, 1),
        birth_date=datetime.date(1975, 5, 5),
        driving_years=12,
    )
    url = f"/api/v1/registers/drivers/{driver.pk}/"
    response = api(alice).patch(url, {"licence_no": "330100999"}, format="json")
    assert response.status_code == 200, response.json()
    driver.refresh_from_db()
    assert driver.licence_no == "330100999" and driver.driving_years == 12
    assert driver.licence_class == LicenceClass.A1 and driver.health_ok
    refused = api(alice).patch(url, {"criminal_record": True}, format="json")
    assert refused.status_code == 400
    assert refused.json()["non_field_errors"] == ["有犯罪记录。"]
    driver.refresh_from_db()
    assert not driver.criminal_record
    assert api(bob).patch(url, {"licence_no": "x"}, format="json").status_code == 404


def test_put_replaces_the_row_like_the_pages_form(alice, school_a):
    row = vehicle(school_a)
    url = f"/api/v1/registers/vehicles/{row.pk}/"
    response = api(alice).put(url, {**VEHICLE, "seats": 30}, format="json")
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.seats == 30 and row.plate == "浙A54321" and row.school == school_a


@pytest.mark.parametrize("who", ["leader", "gov", "fire", "carol", "bureau_admin"])
def test_roles_that_only_read_a_school_register_get_403(request, who):
    user = request.getfixturevalue(who)
    response = api(user).post("/api/v1/registers/vehicles/", VEHICLE, format="json")
    assert response.status_code == 403
    assert not Vehicle.objects.exists()


def test_school_staff_keep_the_duty_roster_and_log(carol, school_a):
    shift = api(carol).post(
        "/api/v1/registers/duty/",
        {
            "person": "王值班",
            "starts_at": "2014-09-01T08:00:00+08:00",
            "ends_at": "2014-09-01T20:00:00+08:00",
        },
        format="json",
    )
    assert shift.status_code == 201, shift.json()
    entry = api(carol).post(
        "/api/v1/registers/duty-log/",
        {
            "shift": shift.json()["id"],
            "kind": "patrol",
            "occurred_at": "2014-09-01T09:00",
            "content": "巡查校园一周,无异常。",
        },
        format="json",
    )
    assert entry.status_code == 201, entry.json()
    backwards = api(carol).post(
        "/api/v1/registers/duty/",
        {
            "person": "王值班",
            "starts_at": "2014-09-01T20:00:00+08:00",
            "ends_at": "2014-09-01T08:00:00+08:00",
        },
        format="json",
    )
    assert backwards.status_code == 400
    assert DutyShift.objects.filter(school=school_a).count() == 1


def test_escort_shift_needs_a_team_of_the_same_school(alice, school_a, school_b):
    theirs = EscortTeam.objects.create(
        school=school_b,
        name="家长护导队",
        leader="张",
        members=20,
        founded_on=datetime.date(2014, 3, 1),
    )
    data = {"team": theirs.pk, "day": "2014-09-01", "post": "校门口", "parents": 4}
    response = api(alice).post("/api/v1/registers/escort-shifts/", data, format="json")
    assert response.status_code == 400 and "team" in response.json()


def test_bureau_admin_records_an_incident_at_a_school_of_its_district(
    bureau_admin, school_a, other_bureau
):
    faraway = School.objects.create(
        bureau=other_bureau, code="Y001", name="远山小学", kind=SchoolKind.PRIMARY
    )
    data = {
        "occurred_at": "2014-08-31T08:00:00+08:00",
        "reported_at": "2014-08-31T12:00:00+08:00",
        "kind": "traffic",
        "severity": "serious",
        "injuries": 2,
        "description": "放学途中两名学生被电动车撞伤。",
    }
    client = api(bureau_admin)
    assert client.post("/api/v1/registers/incidents/", data, format="json").status_code == 400
    away = client.post(
        "/api/v1/registers/incidents/", {**data, "school": faraway.pk}, format="json"
    )
    assert away.status_code == 400 and "school" in away.json()
    response = client.post(
        "/api/v1/registers/incidents/", {**data, "school": school_a.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    incident = Incident.objects.get()
    assert incident.school == school_a and incident.reported_late


def test_special_group_register_written_by_the_school_admin_only(
    alice, bureau_admin, leader, carol
):
    data = {
        "name": "小明",
        "class_name": "三年级1班",
        "kind": SpecialGroupKind.LEFT_BEHIND,
        "guardian": "爷爷",
        "caring_teacher": "李老师",
    }
    url = "/api/v1/registers/special-groups/"
    assert api(bureau_admin).post(url, data, format="json").status_code == 403
    assert api(carol).post(url, data, format="json").status_code == 403
    created = api(alice).post(url, data, format="json")
    assert created.status_code == 201
    pk = created.json()["id"]
    assert api(leader).get(f"{url}{pk}/").status_code == 404
    assert api(carol).get(f"{url}{pk}/").status_code == 404
    assert api(bureau_admin).get(f"{url}{pk}/").json()["guardian"] == "爷爷"


def test_surroundings_check_followed_up_as_a_security_hazard(alice, bob):
    data = {
        "checked_on": "2014-09-01",
        "no_illegal_venues": True,
        "no_illegal_stalls": False,
        "no_illegal_buildings": True,
        "no_major_accident": True,
        "findings": "校门口流动摊贩占道经营。",
    }
    created = api(alice).post("/api/v1/registers/surroundings/", data, format="json")
    assert created.status_code == 201, created.json()
    url = f"/api/v1/registers/surroundings/{created.json()['id']}/follow-up/"
    assert api(bob).post(url).status_code == 404
    response = api(alice).post(url)
    assert response.status_code == 201
    check = SurroundingsCheck.objects.select_related("hazard__area").get()
    assert response.json()["hazard_code"] == check.hazard.code
    assert check.hazard.area.code == "security"
    assert api(alice).post(url).status_code == 409


# ---- visitors ----------------------------------------------------------------------------


def register_visitor(user, **data):
    body = {"name": "钱七", "id_number": VALID_ID, "purpose": "送货", **data}
    return api(user).post("/api/v1/registers/visitors/", body, format="json")


def test_the_full_id_number_only_for_the_schools_admin(alice, carol, bureau_admin, leader, bob):
    response = register_visitor(carol)
    assert response.status_code == 201 and response.json()["id_number"] == MASKED
    pk = response.json()["id"]
    url = f"/api/v1/registers/visitors/{pk}/"
    assert api(alice).get(url).json()["id_number"] == VALID_ID
    assert api(alice).get("/api/v1/registers/visitors/").json()["results"][0]["id_number"] == (
        VALID_ID
    )
    for user in (carol, bureau_admin):
        assert api(user).get(url).json()["id_number"] == MASKED
    assert api(bob).get(url).status_code == 404
    assert api(leader).get(url).status_code == 404
    assert "id_encrypted" not in api(alice).get(url).json()


def test_admin_registering_at_the_gate_gets_the_full_number_back(alice):
    assert register_visitor(alice).json()["id_number"] == VALID_ID


def test_refusing_entry_needs_a_reason(carol):
    response = register_visitor(carol, refused=True)
    assert response.status_code == 400
    assert not Visitor.objects.exists()
    refused = register_visitor(carol, refused=True, refusal_reason="无正当事由")
    assert refused.status_code == 201 and refused.json()["refused"]
    pk = refused.json()["id"]
    assert api(carol).post(f"/api/v1/registers/visitors/{pk}/sign-out/").status_code == 409


def test_watch_list_kept_through_the_api_warns_at_the_gate(alice, carol):
    entry = api(alice).post(
        "/api/v1/registers/watch-list/",
        {"name": "赵某某", "id_number": VALID_ID, "reason": "法院禁止令", "is_active": True},
        format="json",
    )
    assert entry.status_code == 201, entry.json()
    assert "id_digest" not in entry.json()
    response = register_visitor(carol, name="赵某")  # another name, the same number
    assert response.status_code == 409 and "法院禁止令" in response.json()["detail"]
    response = register_visitor(carol, name="赵某", admission_reason="经核实为学生家长")
    assert response.json()["watch_list"] == "法院禁止令"


def test_visitor_details_corrected_by_the_gate_not_by_the_bureau(carol, bureau_admin):
    pk = register_visitor(carol).json()["id"]
    url = f"/api/v1/registers/visitors/{pk}/"
    response = api(carol).patch(url, {"host": "王校长"}, format="json")
    assert response.status_code == 200 and response.json()["host"] == "王校长"
    assert response.json()["id_number"] == MASKED
    assert api(bureau_admin).patch(url, {"host": "x"}, format="json").status_code == 403
    visitor = Visitor.objects.get()
    assert visitor.host == "王校长" and visitor.purpose == "送货"


# ---- district views ----------------------------------------------------------------------


def test_duty_gaps_of_a_day_per_school(bureau_admin, bob, school_a, school_b):
    DutyShift.objects.create(
        school=school_b,
        person="王值班",
        starts_at=datetime.datetime(2014, 9, 1, 8, tzinfo=TZ),
        ends_at=datetime.datetime(2014, 9, 1, 17, tzinfo=TZ),
    )
    body = api(bureau_admin).get("/api/v1/registers/duty-gaps/", {"day": "2014-09-01"}).json()
    rows = {row["school_code"]: row for row in body["results"]}
    assert rows["S001"]["uncovered_hours"] == 24.0 and not rows["S001"]["rostered"]
    assert rows["S002"]["uncovered_hours"] == 15.0
    assert rows["S002"]["gaps"] == [
        {"start": "2014-09-01T00:00:00+08:00", "end": "2014-09-01T08:00:00+08:00"},
        {"start": "2014-09-01T17:00:00+08:00", "end": "2014-09-02T00:00:00+08:00"},
    ]
    mine = api(bob).get("/api/v1/registers/duty-gaps/", {"day": "2014-09-01"}).json()
    assert [row["school_code"] for row in mine["results"]] == ["S002"]
    bad = api(bureau_admin).get("/api/v1/registers/duty-gaps/", {"day": "2014-02-30"})
    assert bad.status_code == 400


def test_special_group_counts_without_names_for_the_leader(leader, school_a):
    for name, kind in [("小明", SpecialGroupKind.LEFT_BEHIND), ("小红", SpecialGroupKind.MIGRANT)]:
        SpecialGroupChild.objects.create(
            school=school_a,
            name=name,
            class_name="一年级",
            kind=kind,
            guardian="奶奶",
            caring_teacher="李老师",
        )
    response = api(leader).get("/api/v1/registers/special-group-counts/")
    assert response.json() == [
        {
            "school_code": "S001",
            "school_name": school_a.name,
            "migrant": 1,
            "left_behind": 1,
            "total": 2,
        }
    ]
    assert "小明" not in response.content.decode()


def test_expiring_papers_per_school(alice, bob, school_a):
    vehicle(school_a)
    mine = api(alice).get("/api/v1/registers/expiring-papers/", {"days": "30"}).json()
    assert [v["plate"] for v in mine["vehicles"]] == ["浙A12345"]
    assert api(bob).get("/api/v1/registers/expiring-papers/").json()["vehicles"] == []
    assert api(alice).get("/api/v1/registers/expiring-papers/", {"days": "x"}).status_code == 400


def test_visitor_list_query_count_does_not_grow_with_the_rows(alice, carol):
    for n in range(3):
        register_visitor(carol, name=f"访客{n}")
    client = api(alice)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/registers/visitors/")
    for n in range(3, 30):
        register_visitor(carol, name=f"访客{n}")
    with CaptureQueriesContext(connection) as many:
        body = client.get("/api/v1/registers/visitors/").json()
    assert body["count"] == 30 and body["results"][0]["id_number"] == VALID_ID
    assert len(many.captured_queries) == len(few.captured_queries) <= 4
