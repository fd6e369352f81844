"""The planning pages, the schedule made from a selection, visibility, the export and the API."""

from __future__ import annotations

import datetime
import io
import re

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from conftest import client_for, make_user
from xiaoan.accounts.choices import Role
from xiaoan.inspections.models import InspectionSchedule
from xiaoan.schools.choices import RegionLevel
from xiaoan.schools.models import Bureau, Region, School

pytestmark = pytest.mark.django_db

DAY = "2014-10-15"


@pytest.fixture(autouse=True)
def _in_october_2014():
    with time_machine.travel(datetime.datetime(2014, 10, 20, 9, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def district(school_a, school_b, make_hazard):
    """S001 with a major hazard and an overdue one; S002 with nothing but no inspection."""
    make_hazard(school_a, level="major", deadline=datetime.date(2014, 10, 1))
    make_hazard(school_a, "food")
    return school_a, school_b


@pytest.fixture
def city(bureau):
    """A city over the `bureau` fixture's district, and a district of another city."""
    city = Region.objects.create(code="330100", name="临江市", level=RegionLevel.CITY)
    Region.objects.filter(pk=bureau.region_id).update(parent=city)
    city_bureau = Bureau.objects.create(region=city, name="临江市教育局")
    return make_user("city", Role.CITY_ADMIN, city_bureau)


def test_planning_page_lists_the_schools_highest_first_with_the_reason(bureau_admin, district):
    response = client_for(bureau_admin).get(reverse("planning:index"), {"day": DAY})
    assert response.status_code == 200
    rows = [row.school.code for row in response.context["scores"]]
    assert rows == ["S001", "S002"]
    text = response.content.decode()
    assert "重大隐患" in text or "Open major hazards" in text
    assert response.context["chosen"] == {str(district[0].pk), str(district[1].pk)}


def test_schedule_created_from_the_selection_in_one_step(bureau_admin, district):
    school_a, _school_b = district
    response = client_for(bureau_admin).post(
        reverse("planning:schedule") + f"?day={DAY}",
        {
            "title": "十月风险抽查",
            "kind": "spot",
            "start_date": "2014-10-21",
            "due_date": "2014-11-20",
            "schools": [school_a.pk],
        },
    )
    schedule = InspectionSchedule.objects.get()
    assert response.status_code == 302 and response["Location"] == schedule.get_absolute_url()
    assert list(schedule.schools.all()) == [school_a]
    assert schedule.kind == "spot" and schedule.events.get().kind == "planned"
    assert "S001" in schedule.notes


def test_schedule_without_a_school_shows_the_error_and_plans_nothing(bureau_admin, district):
    response = client_for(bureau_admin).post(
        reverse("planning:schedule"),
        {"title": "十月", "kind": "spot", "start_date": "2014-10-21", "due_date": "2014-11-20"},
    )
    assert response.status_code == 200 and response.context["form"].errors["schools"]
    assert not InspectionSchedule.objects.exists()


def test_the_leader_reads_the_page_but_may_not_plan(leader, district):
    assert client_for(leader).get(reverse("planning:index")).status_code == 200
    response = client_for(leader).post(reverse("planning:schedule"), {"title": "x"})
    assert response.status_code == 403
    assert not InspectionSchedule.objects.exists()


def test_a_school_user_cannot_see_the_planning_pages(alice, carol, district):
    school_a, school_b = district
    for user in (alice, carol):
        client = client_for(user)
        assert client.get(reverse("planning:index")).status_code == 403
        assert client.get(reverse("planning:districts")).status_code == 403
        assert client.get(reverse("planning:school", args=[school_a.pk])).status_code == 403
        assert client.get(reverse("planning:school", args=[school_b.pk])).status_code == 404
        assert client.get("/api/v1/risk-scores/").status_code == 403


def test_school_explanation_sums_term_by_term(bureau_admin, district):
    school_a, _ = district
    response = client_for(bureau_admin).get(
        reverse("planning:school", args=[school_a.pk]), {"day": DAY}
    )
    row = response.context["row"]
    assert row.rank == 1 and response.context["of"] == 2
    assert row.score == round(sum(line.points for line in row.lines), 2)


def test_a_city_sees_only_its_districts(city, district, other_bureau):
    School.objects.create(bureau=other_bureau, code="F001", name="远山区实验小学", kind="primary")
    client = client_for(city)
    response = client.get(reverse("planning:districts"), {"day": DAY})
    assert response.status_code == 200
    assert [r.bureau.name for r in response.context["rows"]] == ["清溪区教育局"]
    (term, _points), *_rest = response.context["rows"][0].reasons
    assert re.search(rf"{term.label}：[0-9.]+分", response.content.decode())  # points, not days
    far = School.objects.get(code="F001")
    assert client.get(reverse("planning:school", args=[far.pk])).status_code == 404
    assert client.get(reverse("planning:school", args=[district[0].pk])).status_code == 200
    assert client.get(reverse("planning:index")).status_code == 403
    api = client.get("/api/v1/risk-scores/", {"day": DAY}).json()
    assert {r["school_code"] for r in api["results"]} == {"S001", "S002"}


def test_the_bureau_does_not_see_the_districts_page(bureau_admin):
    assert client_for(bureau_admin).get(reverse("planning:districts")).status_code == 403


def test_api_lists_the_scores_highest_first_with_their_terms(bureau_admin, district):
    body = client_for(bureau_admin).get("/api/v1/risk-scores/", {"day": DAY}).json()
    assert body["count"] == 2
    first, second = body["results"]
    assert (first["school_code"], first["rank"]) == ("S001", 1)
    assert first["score"] >= second["score"]
    major = next(t for t in first["terms"] if t["key"] == "open_major")
    assert major == {
        "key": "open_major",
        "label": major["label"],
        "value": 1.0,
        "weight": 10.0,
        "points": 10.0,
    }
    assert first["score"] == pytest.approx(sum(t["points"] for t in first["terms"]))


def test_api_refuses_an_impossible_day(bureau_admin):
    assert (
        client_for(bureau_admin).get("/api/v1/risk-scores/", {"day": "2014-13-01"}).status_code
        == 400
    )


def test_the_ranking_exports_to_excel(bureau_admin, district):
    response = client_for(bureau_admin).get(
        reverse("planning:index"), {"day": DAY, "format": "xlsx"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [r[1] for r in rows] == ["S001", "S002"]
    assert rows[0][0] == 1


def test_the_page_and_the_api_ask_the_same_number_of_queries_for_more_schools(
    bureau, bureau_admin, district, make_hazard
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(bureau_admin)
    client.get(reverse("home"))  # the first page after the login also saves the session
    counted = {}
    for n in (0, 15):
        for i in range(n):
            school = School.objects.create(
                bureau=bureau, code=f"S2{i:02d}", name=f"第{i}小学", kind="primary"
            )
            make_hazard(school, level="major")
        for url in (reverse("planning:index"), "/api/v1/risk-scores/"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url, {"day": DAY}).status_code == 200
            counted.setdefault(url, []).append(len(queries))
    assert all(first == second for first, second in counted.values()), counted
