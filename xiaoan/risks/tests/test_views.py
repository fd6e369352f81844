"""The register's pages: owner OK, another school 404, read-only 403, wrong method 405; the
colour map, the district table and the exports."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from xiaoan.risks.models import RiskPoint


def _sheet(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def test_the_school_sees_its_register(point, as_user, alice):
    page = as_user(alice).get("/risks/")
    assert page.status_code == 200
    assert point.name in page.content.decode()


def test_school_b_cannot_see_school_a_point(point, as_user, bob):
    client = as_user(bob)
    assert point.name not in client.get("/risks/").content.decode()
    assert client.get(f"/risks/{point.pk}/").status_code == 404
    assert client.post(f"/risks/{point.pk}/reassess/", {"likelihood": 1}).status_code == 404


def test_the_detail_shows_the_assessments_and_the_steps(point, as_user, alice, leader):
    page = as_user(alice).get(f"/risks/{point.pk}/").content.decode()
    assert "首次评估" in page and "重新评估" in page
    read_only = as_user(leader).get(f"/risks/{point.pk}/").content.decode()
    assert "重新评估" not in read_only


def test_the_school_adds_a_point_with_its_first_assessment(as_user, alice, fire_area):
    response = as_user(alice).post(
        "/risks/new/",
        {
            "name": "配电房",
            "location": "综合楼一楼",
            "area": fire_area.pk,
            "hazard_sources": "线路老化",
            "consequences": "触电、火灾",
            "control_measures": "专人管理，门常锁",
            "responsible": "李强",
            "responsible_phone": "13900000002",
            "identified_on": "2014-03-01",
            "likelihood": "4",
            "severity": "5",
        },
    )
    point = RiskPoint.objects.get(name="配电房")
    assert response.status_code == 302 and response["Location"] == f"/risks/{point.pk}/"
    assert point.school == alice.membership.school and point.level == "red"
    assert point.assessments.count() == 1


def test_the_phone_of_the_person_responsible_is_a_phone_number(as_user, alice, fire_area):
    data = {
        "name": "锅炉房",
        "location": "后勤楼",
        "area": fire_area.pk,
        "hazard_sources": "锅炉",
        "consequences": "烫伤",
        "control_measures": "持证上岗",
        "responsible": "张师傅",
        "responsible_phone": "abc",
        "identified_on": "2014-03-01",
        "likelihood": "2",
        "severity": "4",
    }
    response = as_user(alice).post("/risks/new/", data)
    assert response.status_code == 200 and not RiskPoint.objects.exists()
    assert "张师傅" in response.content.decode()  # what was typed is kept


def test_a_form_with_an_error_keeps_what_was_typed(as_user, alice, fire_area):
    response = as_user(alice).post("/risks/new/", {"name": "配电房", "likelihood": "9"})
    assert response.status_code == 200
    assert "配电房" in response.content.decode()
    assert not RiskPoint.objects.exists()


def test_staff_and_leaders_may_not_add_or_reassess(point, as_user, carol, leader):
    for user in (carol, leader):
        client = as_user(user)
        assert client.get("/risks/new/").status_code == 403
        data = {"likelihood": "1", "severity": "1", "reason": "review", "version": point.version}
        assert client.post(f"/risks/{point.pk}/reassess/", data).status_code == 403


def test_reassess_by_page(point, as_user, alice):
    client = as_user(alice)
    data = {"likelihood": "5", "severity": "4", "reason": "change", "comment": "新增燃气管线"}
    response = client.post(f"/risks/{point.pk}/reassess/", {**data, "version": point.version})
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.level == "red" and point.assessments.count() == 2
    assert client.get(f"/risks/{point.pk}/reassess/").status_code == 405


def test_edit_and_retire_by_page(point, as_user, alice, fire_area):
    client = as_user(alice)
    data = {
        "name": point.name,
        "location": "食堂后厨",
        "area": fire_area.pk,
        "hazard_sources": point.hazard_sources,
        "consequences": point.consequences,
        "control_measures": point.control_measures,
        "responsible": "赵敏",
        "responsible_phone": "13700000003",
        "version": point.version,
    }
    assert client.post(f"/risks/{point.pk}/edit/", data).status_code == 302
    point.refresh_from_db()
    assert point.responsible == "赵敏" and point.level == "yellow"
    retire = {"reason": "改用电灶", "on": "2014-09-02", "version": point.version}
    assert client.post(f"/risks/{point.pk}/retire/", retire).status_code == 302
    assert point.name not in client.get("/risks/").content.decode()
    assert point.name in client.get("/risks/?state=retired").content.decode()


def test_the_colour_map_places_the_points(
    point, make_point, as_user, alice, bureau_admin, school_a
):
    make_point(name="配电房", likelihood=4, severity=5)
    page = as_user(alice).get("/risks/map/").content.decode()
    assert "配电房" in page and "学生食堂燃气灶间" in page
    district = as_user(bureau_admin).get(f"/risks/map/?school={school_a.pk}").content.decode()
    assert "配电房" in district


def test_the_district_table_counts_each_schools_points_by_level(
    point, make_point, as_user, bureau_admin, school_b, bob
):
    make_point(name="配电房", likelihood=4, severity=5)
    make_point(school=school_b, user=bob, name="校门口", likelihood=3, severity=5)
    response = as_user(bureau_admin).get("/risks/district/")
    assert response.status_code == 200
    rows = {r.school.code: r for r in response.context["rows"]}
    assert rows["S001"].counts == {"red": 1, "orange": 0, "yellow": 1, "blue": 0}
    assert rows["S002"].counts["orange"] == 1
    assert response.context["totals"]["total"] == 3
    grave = as_user(bureau_admin).get("/risks/district/?grave=true&kind=junior")
    assert [r.school.code for r in grave.context["rows"]] == ["S002"]


def test_the_district_table_is_the_bureaus(point, as_user, alice, outsider):
    assert as_user(alice).get("/risks/district/").status_code == 403
    outside = as_user(outsider).get("/risks/district/")
    assert outside.status_code == 200 and outside.context["totals"]["total"] == 0


def test_the_exports_have_the_pages_rows(point, make_point, as_user, bureau_admin, alice, bob):
    make_point(name="配电房", likelihood=4, severity=5)
    sheet = _sheet(as_user(alice).get("/risks/export/?level=red"))
    names = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert names == ["配电房"]
    assert _sheet(as_user(bob).get("/risks/export/")).max_row == 2  # title and headers only
    table = _sheet(as_user(bureau_admin).get("/risks/district/export/"))
    rows = {r[0]: r for r in table.iter_rows(min_row=3, values_only=True)}
    assert rows["S001"][2:8] == (1, 0, 1, 0, 2, 0)
