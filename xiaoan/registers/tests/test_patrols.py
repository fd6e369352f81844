"""Patrol points with QR codes (巡查打卡): rounds on time, late, missed and due; the patrol page a
point's code opens; the QR sheet; the board; the API; a patrol sent twice is recorded once."""

from __future__ import annotations

import datetime
import io
import uuid

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from xiaoan.hazards.models import Area, Hazard
from xiaoan.registers.models import Patrol, PatrolPoint, PatrolRoute, patrol_figures, rounds
from xiaoan.registers.models.patrols import parse_times

from .conftest import at

DAY = datetime.date(2014, 9, 3)
NOON = at(DAY, 13, 0)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def points(school_a) -> list[PatrolPoint]:
    names = [("校门", "南门"), ("锅炉房", "后勤楼"), ("路边池塘", "东墙外")]
    return [
        PatrolPoint.objects.create(school=school_a, name=n, location=w, order=i)
        for i, (n, w) in enumerate(names)
    ]


@pytest.fixture
def route(school_a, points) -> PatrolRoute:
    route = PatrolRoute.objects.create(
        school=school_a, name="日间巡查", times="07:30 12:00", window_minutes=60
    )
    route.points.set(points)
    return route


def _patrol(point, when) -> Patrol:
    return Patrol.objects.create(school=point.school, point=point, patrolled_at=when)


def _photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 160, 90)).save(buffer, "JPEG")
    return SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_times_are_read_in_any_separator_and_wrong_ones_refused():
    assert parse_times("12:00，07:30 21:30") == [
        datetime.time(7, 30),
        datetime.time(12),
        datetime.time(21, 30),
    ]
    with pytest.raises(ValidationError):
        parse_times("7点半")


def test_rounds_are_on_time_late_missed_or_still_due(school_a, route, points):
    gate, boiler, _pond = points
    _patrol(gate, at(DAY, 7, 20))  # 10 minutes early: on time
    _patrol(boiler, at(DAY, 9, 0))  # after the window, before noon: late
    _patrol(gate, at(DAY, 12, 30))  # the noon round
    found = {(r.due_at.hour, r.point.name): r.status for r in rounds(school_a, DAY, now=NOON)}
    assert found == {
        (7, "校门"): "on_time",
        (7, "锅炉房"): "late",
        (7, "路边池塘"): "missed",
        (12, "校门"): "on_time",
        (12, "锅炉房"): "due",  # window open until 13:00
        (12, "路边池塘"): "due",
    }


def test_one_patrol_counts_for_one_round_only(school_a, route, points):
    _patrol(points[0], at(DAY, 11, 59))  # late for 07:30 and on time for 12:00: it is one
    statuses = [r.status for r in rounds(school_a, DAY, now=at(DAY, 23)) if r.point == points[0]]
    assert sorted(statuses) == ["missed", "on_time"]


def test_month_figures_count_every_round(school_a, school_b, route, points):
    _patrol(points[0], at(DAY, 7, 35))
    figures = patrol_figures([school_a.pk, school_b.pk], DAY, DAY, now=at(DAY, 23))
    assert figures == {school_a.pk: {"rounds": 6, "on_time": 1, "late": 0, "missed": 5, "due": 0}}
    two_days = patrol_figures(
        [school_a.pk],
        DAY,
        DAY + datetime.timedelta(days=1),
        now=at(DAY + datetime.timedelta(days=1), 23),
    )
    assert two_days[school_a.pk]["rounds"] == 12


@time_machine.travel(NOON, tick=False)
def test_staff_scan_records_a_patrol_with_photo_and_hazard(as_user, carol, points):
    gate = points[0]
    area = Area.objects.get(code="security")
    response = as_user(carol).post(
        reverse("registers:patrol-scan", args=[gate.pk]),
        {
            "note": "门卫在岗",
            "photo": _photo(),
            "found_hazard": "on",
            "hazard_area": area.pk,
            "hazard_description": "校门口减速带损坏",
        },
    )
    assert response.status_code == 302
    patrol = Patrol.objects.get()
    assert patrol.recorded_by == carol and patrol.patrolled_at == NOON and patrol.photo
    assert patrol.hazard.description == "校门口减速带损坏"
    assert patrol.hazard.location == "南门" and patrol.hazard.photos.count() == 1
    photo = as_user(carol).get(reverse("registers:patrol-photo", args=[patrol.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"


@time_machine.travel(NOON, tick=False)
def test_a_patrol_sent_later_keeps_its_time_and_twice_is_once(as_user, carol, points):
    client = as_user(carol)
    url = reverse("registers:patrol-scan", args=[points[1].pk])
    key = str(uuid.uuid4())
    data = {"patrolled_at": "2014-09-03T03:40:00.000Z", "note": "地下室无信号"}
    for _ in range(2):
        assert client.post(url, data, HTTP_X_IDEMPOTENCY_KEY=key).status_code == 302
    patrol = Patrol.objects.get()
    assert patrol.patrolled_at == at(DAY, 11, 40)
    too_old = {"patrolled_at": "2014-08-01T03:40:00Z"}
    response = client.post(url, too_old, HTTP_X_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 200 and Patrol.objects.count() == 1
    assert "一周内" in response.content.decode()


def test_who_may_record_and_who_sees(as_user, alice, bob, leader, bureau_admin, points):
    url = reverse("registers:patrol-scan", args=[points[0].pk])
    assert as_user(bob).get(url).status_code == 404
    assert as_user(bob).post(url, {}).status_code == 404
    assert as_user(leader).get(url).status_code == 200
    assert as_user(leader).post(url, {"note": "x"}).status_code == 403
    assert as_user(bureau_admin).post(url, {"note": "x"}).status_code == 403
    page = as_user(alice).get(url).content.decode()
    assert 'id="patrol-form"' in page and "data-offline" in page
    assert 'id="patrol-form"' not in as_user(leader).get(url).content.decode()
    assert not Patrol.objects.exists()


def test_a_point_no_longer_in_use_takes_no_patrol(as_user, carol, points):
    points[0].is_active = False
    points[0].save()
    response = as_user(carol).post(reverse("registers:patrol-scan", args=[points[0].pk]), {})
    assert response.status_code == 200 and not Patrol.objects.exists()


def test_qr_sheet_prints_each_point_with_its_address(as_user, alice, bob, points):
    html = as_user(alice).get(reverse("registers:patrol-sheet")).content.decode()
    assert html.count("<svg") == 3
    for point in points:
        assert f"/registers/patrol-points/{point.pk}/scan/" in html
        assert point.name in html
    assert as_user(bob).get(reverse("registers:patrol-sheet")).content.decode().count("<svg") == 0


@time_machine.travel(NOON, tick=False)
def test_board_shows_missed_and_late_rounds(as_user, alice, bureau_admin, school_a, route, points):
    _patrol(points[1], at(DAY, 9, 0))
    html = as_user(alice).get(reverse("registers:patrol-board")).content.decode()
    assert html.count('data-status="missed"') == 2 and html.count('data-status="late"') == 1
    district = as_user(bureau_admin).get(reverse("registers:patrol-board")).content.decode()
    assert school_a.name in district


def test_route_points_stay_with_their_school(as_user, alice, school_b, points):
    other = PatrolPoint.objects.create(school=school_b, name="操场")
    response = as_user(alice).post(
        reverse("registers:create", args=["patrol-routes"]),
        {
            "name": "夜巡",
            "points": [points[0].pk, other.pk],
            "times": "21:30",
            "window_minutes": 30,
        },
    )
    assert response.status_code == 200 and not PatrolRoute.objects.exists()
    response = as_user(alice).post(
        reverse("registers:create", args=["patrol-routes"]),
        {"name": "夜巡", "points": [points[0].pk], "times": "9点", "window_minutes": 30},
    )
    assert response.status_code == 200 and not PatrolRoute.objects.exists()


def test_api_serves_points_routes_and_patrols_by_school(as_user, alice, bob, route, points):
    _patrol(points[0], at(DAY, 7, 35))
    mine = as_user(alice).get("/api/v1/patrol-routes/").json()["results"]
    assert [r["name"] for r in mine] == ["日间巡查"]
    assert sorted(mine[0]["points"]) == sorted(p.pk for p in points)
    assert "edit" in mine[0]["allowed_actions"] and mine[0]["version"] == 1
    assert as_user(bob).get("/api/v1/patrols/").json()["results"] == []
    assert as_user(bob).get(f"/api/v1/patrol-points/{points[0].pk}/").status_code == 404
    created = as_user(alice).post(
        "/api/v1/patrols/",
        {"point": points[1].pk, "patrolled_at": "2014-09-03T08:00:00+08:00", "note": "正常"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    stale = as_user(alice).patch(
        f"/api/v1/patrol-points/{points[0].pk}/",
        {"name": "南校门", "version": 7},
        content_type="application/json",
    )
    assert stale.status_code == 409


def test_hazard_count_is_untouched_without_a_hazard(as_user, carol, points):
    as_user(carol).post(reverse("registers:patrol-scan", args=[points[0].pk]), {"note": "正常"})
    assert Patrol.objects.count() == 1 and Hazard.objects.count() == 0
