"""/api/v1/risk-points/: the register's rows for whoever may see them, a point added with its
first assessment, re-assessed and retired by its writers; 403 for read-only roles, 404 for
another school's point; hazards link to a point through the hazard API."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from xiaoan.inspections.models import Inspection
from xiaoan.risks.models import RiskPoint

URL = "/api/v1/risk-points/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_school_lists_its_own_points(point, alice, bob, bureau_admin):
    rows = api(alice).get(URL).json()["results"]
    assert [r["name"] for r in rows] == [point.name]
    row = rows[0]
    assert row["level"] == "yellow" and row["score"] == 9 and row["area"] == "fire"
    assert row["allowed_actions"] == ["edit", "reassess", "retire"]
    assert row["assessments"][0]["reason"] == "identified"
    assert api(bob).get(URL).json()["results"] == []
    assert api(bob).get(f"{URL}{point.pk}/").status_code == 404
    assert len(api(bureau_admin).get(URL).json()["results"]) == 1


def test_filters_as_on_the_page(make_point, alice):
    make_point(name="配电房", likelihood=4, severity=5)
    make_point(name="楼梯口", likelihood=2, severity=2)
    rows = api(alice).get(URL, {"level": ["red", "orange"]}).json()["results"]
    assert [r["name"] for r in rows] == ["配电房"]


def test_a_school_adds_a_point(alice):
    body = {
        "name": "化学实验室危化品柜",
        "location": "实验楼三楼",
        "area": "lab",
        "hazard_sources": "易燃易爆试剂",
        "consequences": "火灾、中毒",
        "control_measures": "双人双锁，专柜存放",
        "responsible": "刘芳",
        "responsible_phone": "13600000004",
        "likelihood": 3,
        "severity": 5,
        "comment": "学期初评估",
    }
    response = api(alice).post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["level"] == "orange" and data["school"] == alice.membership.school.pk
    assert data["assessments"][0]["comment"] == "学期初评估"


def test_read_only_roles_may_not_add_or_reassess(point, leader, carol):
    for user in (leader, carol):
        body = {"likelihood": 1, "severity": 1, "reason": "review"}
        assert api(user).post(f"{URL}{point.pk}/reassess/", body).status_code == 403


def test_reassess_and_retire(point, alice):
    client = api(alice)
    body = {"likelihood": 5, "severity": 5, "reason": "change", "comment": "扩建", "version": 1}
    response = client.post(f"{URL}{point.pk}/reassess/", body, format="json")
    assert response.status_code == 200 and response.json()["level"] == "red"
    assert len(response.json()["assessments"]) == 2
    stale = client.post(f"{URL}{point.pk}/reassess/", body, format="json")
    assert stale.status_code == 409
    bad = client.post(f"{URL}{point.pk}/reassess/", {**body, "likelihood": 7}, format="json")
    assert bad.status_code == 400
    retired = client.post(f"{URL}{point.pk}/retire/", {"reason": "拆除"}, format="json")
    assert retired.status_code == 200 and retired.json()["is_active"] is False
    assert client.get(URL).json()["results"] == []
    assert len(client.get(URL, {"state": "all"}).json()["results"]) == 1


def test_edit_keeps_the_level(point, alice):
    body = {"responsible": "赵敏", "version": point.version}
    response = api(alice).patch(f"{URL}{point.pk}/", body, format="json")
    assert response.status_code == 200 and response.json()["responsible"] == "赵敏"
    assert RiskPoint.objects.get(pk=point.pk).level == "yellow"


def test_a_hazard_reported_through_the_api_links_to_a_point(point, alice, bob):
    body = {
        "area": "fire",
        "source": "self_report",
        "description": "灶间灭火器过期",
        "found_on": "2014-09-01",
        "risk_point": point.pk,
    }
    response = api(alice).post("/api/v1/hazards/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["risk_point"] == point.pk
    other = api(bob).post("/api/v1/hazards/", body, format="json")
    assert other.status_code == 400 and "risk_point" in other.json()


def test_the_list_asks_as_many_queries_for_many_points_as_for_one(
    point, make_point, alice, django_assert_max_num_queries
):
    client = api(alice)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for index in range(4):
        make_point(name=f"楼梯口{index}", likelihood=2, severity=2)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get(URL).json()["results"]) == 5


def test_a_failed_item_raised_through_the_api_links_to_a_point(point, alice, fire_area, bob):
    inspection = Inspection.objects.start(
        alice,
        school=alice.membership.school,
        kind="self",
        date=datetime.date(2014, 9, 1),
        areas=[fire_area],
    )
    answer = inspection.answers.first()
    url = f"/api/v1/inspections/{inspection.pk}/raise-hazard/"
    body = {"answer": answer.pk, "description": "灭火器过期", "risk_point": point.pk}
    response = api(alice).post(url, body, format="json")
    assert response.status_code == 201, response.json()
    answer.refresh_from_db()
    assert answer.hazard.risk_point == point
